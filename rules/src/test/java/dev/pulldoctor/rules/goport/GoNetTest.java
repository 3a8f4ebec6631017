package dev.pulldoctor.rules.goport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from Go's net ipsock_test.go / net_test.go for SplitHostPort. */
class GoNetTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "reg.io:5000|reg.io|5000",
        "reg.io:|reg.io|''",
        ":80|''|80",
        "[::1]:80|::1|80",
        "[fe80::1%eth0]:443|fe80::1%eth0|443",
        "[reg.io]:80|reg.io|80",
      })
  void splits(String hostport, String host, String port) {
    assertThat(GoNet.splitHostPort(hostport)).isEqualTo(new GoNet.HostPort(host, port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"reg.io", "[::1]", "a:b:c", "[::1]x:80", "[a]:[b]", "a]:80", "[a:80"})
  void rejects(String hostport) {
    assertThat(GoNet.splitHostPort(hostport)).isNull();
  }
}
