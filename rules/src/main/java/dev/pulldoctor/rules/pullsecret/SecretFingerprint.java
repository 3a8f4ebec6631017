package dev.pulldoctor.rules.pullsecret;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short fingerprints of secret values (pull-secret passwords, Secret values): enough to tell
 * whether two places hold the same value, not enough to show it, and useless against a password
 * list. A plain SHA-256 of a password can be checked against one ({@code sha256("airbyte")} starts
 * {@code a169ac3cb579}) by anyone who reads a report; these are an HMAC-SHA256 under a random key
 * made once per process and held only here, never written or logged. So two fingerprints compare
 * only within one process: one {@code diagnose} run, one daemon.
 *
 * <p>In the rules module because every fingerprint is made here: {@link CredentialCollector} and
 * {@code SecretInfo} make them, {@code SecretText} recomputes them to find known passwords in text.
 * In this package because {@code model} already depends on it (a class in {@code model} would make
 * a package cycle).
 */
public final class SecretFingerprint {
  /** Says the fingerprint is keyed; a bundle's re-keyed ones read {@code hmac-sha256:}. */
  public static final String PREFIX = "hmac:";

  /** 48 bits: collisions among the few passwords of one cluster are out of reach. */
  private static final int BYTES = 6;

  private static final int PRINTED_LENGTH = PREFIX.length() + 2 * BYTES;
  private static final String ALGORITHM = "HmacSHA256";
  private static final SecretKeySpec KEY = randomKey();

  // A Mac is not thread-safe, and SecretText makes one fingerprint per stretch of text it scans.
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(SecretFingerprint::newMac);

  private SecretFingerprint() {}

  /** {@value #PREFIX} and 12 hex digits of the keyed HMAC of {@code value}. */
  public static String of(byte[] value) {
    return PREFIX + HexFormat.of().formatHex(MAC.get().doFinal(value), 0, BYTES);
  }

  /** The 48 bits {@link #of} prints, as a number, so that a comparison allocates no string. */
  public static long bits(byte[] value) {
    byte[] digest = MAC.get().doFinal(value);
    long bits = 0;
    for (int i = 0; i < BYTES; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return bits;
  }

  /**
   * The bits a fingerprint printed by {@link #of} spells; empty for any other text, such as a
   * bundle's {@code hmac-sha256:} fingerprints or the unkeyed {@code sha256:} ones of old versions,
   * which no value of this process can match.
   */
  public static OptionalLong parse(String printed) {
    if (printed.length() != PRINTED_LENGTH || !printed.startsWith(PREFIX)) {
      return OptionalLong.empty();
    }
    for (int i = PREFIX.length(); i < PRINTED_LENGTH; i++) {
      if (!HexFormat.isHexDigit(printed.charAt(i))) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(HexFormat.fromHexDigitsToLong(printed, PREFIX.length(), PRINTED_LENGTH));
  }

  private static SecretKeySpec randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    SecretKeySpec spec = new SecretKeySpec(key, ALGORITHM);
    Arrays.fill(key, (byte) 0); // the spec holds its own copy
    return spec;
  }

  private static Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(KEY);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
  }
}
