package dev.pulldoctor.rules.pullsecret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fingerprints tell equal values apart from different ones within the process, say they are keyed,
 * and cannot be checked against a password list.
 */
class SecretFingerprintTest {
  @Test
  void is_hmac_and_12_hex_digits_and_not_the_plain_sha256() throws Exception {
    String fingerprint = of("airbyte");

    assertThat(fingerprint).matches("hmac:[0-9a-f]{12}");
    byte[] sha256 =
        MessageDigest.getInstance("SHA-256").digest("airbyte".getBytes(StandardCharsets.UTF_8));
    // The unkeyed form old versions printed, which anyone could compute from a guess.
    assertThat(HexFormat.of().formatHex(sha256, 0, 6)).isEqualTo("a169ac3cb579");
    assertThat(fingerprint).doesNotContain("a169ac3cb579");
  }

  @Test
  void equal_values_match_and_different_values_do_not() {
    assertThat(of("airbyte")).isEqualTo(of("airbyte")).isNotEqualTo(of("airbyte1"));
    assertThat(of("")).isNotEqualTo(of(" "));
  }

  @Test
  void every_thread_computes_the_same_fingerprint() {
    String expected = of("s3cret");

    List<String> seen =
        IntStream.range(0, 64).parallel().mapToObj(i -> of("s3cret")).distinct().toList();

    assertThat(seen).containsExactly(expected);
  }

  @Test
  void parse_reads_back_the_bits_of_a_printed_fingerprint() {
    byte[] value = "hunter2".getBytes(StandardCharsets.UTF_8);

    assertThat(SecretFingerprint.parse(SecretFingerprint.of(value)))
        .hasValue(SecretFingerprint.bits(value));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:a169ac3cb579",
        "hmac-sha256:a169ac3cb579",
        "hmac:a169ac3cb57",
        "hmac:a169ac3cb5790",
        "hmac:+169ac3cb579",
        "hmac:-169ac3cb579",
        "hmac:a169ac3cb57g",
        "HMAC:a169ac3cb579",
        ""
      })
  void parse_rejects_any_other_form(String printed) {
    assertThat(SecretFingerprint.parse(printed)).isEqualTo(OptionalLong.empty());
  }

  private static String of(String value) {
    return SecretFingerprint.of(value.getBytes(StandardCharsets.UTF_8));
  }
}
