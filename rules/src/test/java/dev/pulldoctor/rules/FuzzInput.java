package dev.pulldoctor.rules;

import java.nio.charset.StandardCharsets;

/**
 * Shapes a fuzz input into what a target needs, keeping committed seeds readable: the first bytes
 * are ASCII flags and a splice position, the rest is the payload as a user would write it.
 *
 * <p>Every target plants {@link #CANARY} at a position the fuzzer chooses: inside a password, as a
 * bare token, in a key, in the middle of base64. Wherever it lands, it must not come back in an
 * error message: parsers of secret bytes must never echo their input (CVE-2020-8564).
 */
public final class FuzzInput {
  /** A value no message of pulldoctor can contain by chance. */
  public static final String CANARY = "Qz7CanaryPw4k";

  private final byte[] data;

  private FuzzInput(byte[] data) {
    this.data = data;
  }

  public static FuzzInput of(byte[] data) {
    return new FuzzInput(data);
  }

  /** Bit {@code bit} of the flag byte at {@code index} (absent bytes read as zero). */
  public boolean flag(int index, int bit) {
    return index < data.length && (data[index] & (1 << bit)) != 0;
  }

  /** The byte at {@code index} as 0–255, zero when absent. */
  public int unsigned(int index) {
    return index < data.length ? data[index] & 0xff : 0;
  }

  /** Everything from {@code from} on. */
  public byte[] rest(int from) {
    if (from >= data.length) {
      return new byte[0];
    }
    byte[] rest = new byte[data.length - from];
    System.arraycopy(data, from, rest, 0, rest.length);
    return rest;
  }

  /** {@code payload} with {@link #CANARY} inserted at {@code position}/256 of its length. */
  public static byte[] withCanary(byte[] payload, int position) {
    byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
    int at = (int) ((long) payload.length * position / 256);
    byte[] out = new byte[payload.length + canary.length];
    System.arraycopy(payload, 0, out, 0, at);
    System.arraycopy(canary, 0, out, at, canary.length);
    System.arraycopy(payload, at, out, at + canary.length, payload.length - at);
    return out;
  }

  /** Fails when {@code text} contains the canary. */
  public static void assertNoCanary(String what, String text) {
    if (text.contains(CANARY)) {
      throw new AssertionError(what + " echoes input text: " + text);
    }
  }
}
