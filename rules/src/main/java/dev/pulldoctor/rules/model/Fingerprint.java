package dev.pulldoctor.rules.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Short SHA-256 fingerprints of secret values: enough to tell whether two places hold the same
 * value, not enough to show it. The same form as a pull-secret view's password fingerprint.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** {@code sha256:} and the first 12 hex digits of the SHA-256 of {@code value}. */
  public static String of(byte[] value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value);
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
