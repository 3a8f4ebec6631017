package dev.pulldoctor.rules.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.pullsecret.SecretFingerprint;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A SecretInfo keeps keyed fingerprints of the values it drops, and nothing of the values
 * themselves: not even their unkeyed SHA-256, which a password list could be checked against.
 */
class SecretInfoFingerprintTest {
  private static final String VALUE = "s3cret-db-password";

  @Test
  void fingerprints_the_decoded_value_of_every_key() {
    SecretInfo info = SecretInfo.from(secret(Map.of("DATABASE_PASSWORD", b64(VALUE)), Map.of()));

    assertThat(info.dataKeys()).containsExactly("DATABASE_PASSWORD");
    assertThat(info.valueFingerprints())
        .containsExactly(Map.entry("DATABASE_PASSWORD", fingerprint(VALUE)));
    assertThat(info.toString())
        .doesNotContain(VALUE)
        .doesNotContain(b64(VALUE))
        .doesNotContain(sha256Prefix(VALUE));
  }

  @Test
  void string_data_wins_over_data_and_is_fingerprinted_as_written() {
    SecretInfo info =
        SecretInfo.from(
            secret(Map.of("token", b64("old"), "ca.crt", b64("cert")), Map.of("token", VALUE)));

    assertThat(info.dataKeys()).containsExactly("ca.crt", "token");
    assertThat(info.valueFingerprints())
        .containsEntry("token", fingerprint(VALUE))
        .containsEntry("ca.crt", fingerprint("cert"));
  }

  @Test
  void data_that_is_not_base64_is_fingerprinted_as_written() {
    SecretInfo info = SecretInfo.from(secret(Map.of("k", "{not base64}"), Map.of()));

    assertThat(info.valueFingerprints()).containsEntry("k", fingerprint("{not base64}"));
  }

  @Test
  void a_secret_known_by_its_metadata_alone_has_no_fingerprints() {
    SecretInfo info = SecretInfo.metadataOnly("airbyte", "regcred", null, null);

    assertThat(info.valueFingerprints()).isEmpty();
  }

  private static Secret secret(Map<String, String> data, Map<String, String> stringData) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("airbyte")
        .withName("airbyte-db-secrets")
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .withStringData(stringData)
        .build();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String fingerprint(String text) {
    return SecretFingerprint.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Prefix(String text) throws IllegalStateException {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
