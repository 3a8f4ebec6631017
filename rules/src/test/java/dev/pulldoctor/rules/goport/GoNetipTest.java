package dev.pulldoctor.rules.goport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from Go's net/netip netip_test.go (TestParseAddr): IPv6 accepted, the rest not. */
class GoNetipTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fe80::1%%",
        "1:2:3:4:5:6:7:8",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "FFFF::abcd",
        "0:0::0",
      })
  void acceptsIpv6(String text) {
    assertThat(GoNetip.isIpv6(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3.4",
        "%eth0",
        "fe80::1%",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7::8",
        "1::2::3",
        "12345::",
        ":1",
        "1:",
        "::ffff:1.2.3.04",
        "::ffff:1.2.3.256",
        "::ffff:1.2.3",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1.2.3.4::",
        "g::",
      })
  void rejectsEverythingElse(String text) {
    assertThat(GoNetip.isIpv6(text)).isFalse();
  }
}
