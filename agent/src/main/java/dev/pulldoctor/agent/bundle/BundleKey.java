package dev.pulldoctor.agent.bundle;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of one bundle's pull-secret fingerprints: random, generated when the bundle is made and
 * never written. A plain SHA-256 of a password can be checked against a list of common passwords
 * ({@code sha256("airbyte")} starts {@code a169ac3cb579}); an HMAC under a key nobody has cannot,
 * and still tells whether two secrets in the same bundle hold the same password, which is all a
 * reader of the bundle needs. The fingerprints it keys are already keyed per process ({@code
 * SecretFingerprint}); keying them again per bundle keeps two bundles of one daemon, or a bundle
 * and that daemon's report, from being joined on them.
 */
final class BundleKey {
  static final String PREFIX = "hmac-sha256:";

  private final byte[] key;

  private BundleKey(byte[] key) {
    this.key = key.clone();
  }

  static BundleKey random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new BundleKey(key);
  }

  /** A fixed key, so that tests can compare two bundles byte for byte. */
  static BundleKey fixed(byte[] key) {
    return new BundleKey(key);
  }

  /** {@value #PREFIX} and 12 hex digits of the HMAC of {@code fingerprint} under this key. */
  String keyed(String fingerprint) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(fingerprint.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest, 0, 6);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
  }
}
