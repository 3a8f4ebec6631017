package dev.pulldoctor.rules.goport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's {@code net/url} behaviour for http(s) URLs, from url_test.go and Go's CVE fixes. */
class GoUrlTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://reg.io|reg.io|''",
        "https://reg.io:5000/a/b|reg.io:5000|/a/b",
        "http://u:p@reg.io/x?q=1#frag|reg.io|/x",
        "https://reg.io/a%2Fb|reg.io|/a/b",
        "https://[::1]:80/p|[::1]:80|/p",
        "https://[fe80::1%25eth0]/|[fe80::1%eth0]|/",
        "https://reg.io:|reg.io:|''",
        "https://|''|''",
        "https://*.example.com/v2/|*.example.com|/v2/",
      })
  void parses(String raw, String host, String path) throws GoUrl.ParseError {
    GoUrl.Parsed parsed = GoUrl.parse(raw);
    assertThat(parsed.host()).isEqualTo(host);
    assertThat(parsed.path()).isEqualTo(path);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://reg.io:abc|invalid port \":abc\" after host",
        "https://a:1:2|invalid port \":1:2\" after host",
        "https://a[b]|invalid IP-literal",
        "https://[1.2.3.4]|invalid IP-literal",
        "https://[::1|missing ']' in host",
        "https://[::1]x|invalid port \"x\" after host",
        "https://re g.io|invalid character \" \" in host name",
        "https://%41.io|invalid URL escape \"%41\"",
        "https://reg.io/%zz|invalid URL escape \"%zz\"",
        "https://reg.io/#%|invalid URL escape \"%\"",
        "https://u:p%zz@reg.io|invalid URL escape in userinfo",
        "https://u p@reg.io|invalid userinfo",
      })
  void rejectsWithGosReason(String raw, String reason) {
    assertThatThrownBy(() -> GoUrl.parse(raw))
        .isInstanceOf(GoUrl.ParseError.class)
        .extracting(e -> ((GoUrl.ParseError) e).reason())
        .isEqualTo(reason);
    assertThat(GoUrl.parseOrNull(raw)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://reg.io/\u0000", "https://reg\u007f.io", "https://reg.io/\n"})
  void controlCharactersBeforeTheFragmentAreRejected(String raw) {
    assertThat(GoUrl.parseOrNull(raw)).isNull();
  }

  @Test
  void controlCharactersInTheFragmentAreAccepted() {
    // Go checks for control bytes only in the part before '#'
    assertThat(GoUrl.parseOrNull("https://reg.io/p#\u0001")).isNotNull();
  }

  @Test
  void zonesMayEscapeWhatHostsMayNot() {
    assertThat(GoUrl.parseOrNull("https://[fe80::1%25%20x]")).isNotNull();
    assertThat(GoUrl.parseOrNull("https://[fe80::1%25%2F]")).isNull();
    assertThat(GoUrl.parseOrNull("https://[fe80::1%25]")).isNull();
  }

  /**
   * Go strings are bytes: {@code %FF} decodes to the byte 0xFF, and {@code %FE} stays distinct from
   * it. The removed char-based copy of this port decoded to Java text, turning both into U+FFFD.
   */
  @Test
  void percentDecodingKeepsBytesThatAreNotUtf8() throws GoUrl.ParseError {
    assertThat(GoUrl.parse("https://%FF.example/%FE").host()).isEqualTo("\u00ff.example");
    assertThat(GoUrl.parse("https://%FF.example/%FE").path()).isEqualTo("/\u00fe");
    assertThat(GoUrl.parse("https://%C3%A9.example").host())
        .isEqualTo(GoBytes.of("\u00e9.example"));
  }
}
