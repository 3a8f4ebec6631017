package dev.pulldoctor.rules.pullsecret;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Base64 decoding as Go's {@code encoding/base64} does it, because the verdict must match the
 * kubelet's, not Java's: Go ignores {@code \r} and {@code \n} anywhere, does not check the unused
 * bits of the last character, and its padded and unpadded encodings each reject the other's form.
 * {@link java.util.Base64} differs on all of these.
 */
final class GoBase64 {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final int[] DECODE = new int[128];

  static {
    Arrays.fill(DECODE, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      DECODE[ALPHABET.charAt(i)] = i;
    }
  }

  private GoBase64() {}

  /**
   * Decodes a Secret {@code data} value as the API server does ({@code StdEncoding}).
   *
   * @return the bytes, or null when Go would reject the text
   */
  static byte @Nullable [] decodeStd(String text) {
    return decode(text, true);
  }

  /**
   * Decodes an {@code auth} field as {@code decodeDockerConfigFieldAuth} does: padded decoding when
   * the trimmed text ends in {@code =}, unpadded otherwise. Which whitespace counts as trimmed does
   * not matter: only {@code \r} and {@code \n} survive decoding, and Go and Java both trim those.
   *
   * @return the bytes, or null when the kubelet would reject the field
   */
  static byte @Nullable [] decodeAuth(String field) {
    return decode(field, field.strip().endsWith("="));
  }

  /** Mirrors Go's {@code Encoding.decodeQuantum}, one 4-character group per pass. */
  private static byte @Nullable [] decode(String src, boolean padded) {
    int len = src.length();
    byte[] out = new byte[len / 4 * 3 + 3];
    int n = 0;
    int si = 0;
    while (true) {
      int[] quantum = new int[4];
      int used = 4;
      boolean last = false;
      for (int j = 0; j < 4; j++) {
        if (si == len) {
          if (j == 0) {
            return Arrays.copyOf(out, n);
          }
          if (j == 1 || padded) {
            return null;
          }
          used = j;
          last = true;
          break;
        }
        char in = src.charAt(si++);
        int value = in < DECODE.length ? DECODE[in] : -1;
        if (value >= 0) {
          quantum[j] = value;
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (!padded || in != '=' || j < 2) {
          return null;
        }
        if (j == 2) {
          si = skipNewlines(src, si);
          if (si == len || src.charAt(si) != '=') {
            return null;
          }
          si++;
        }
        if (skipNewlines(src, si) < len) {
          return null;
        }
        used = j;
        last = true;
        break;
      }
      int bits = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
      for (int k = 0; k < used - 1; k++) {
        out[n++] = (byte) (bits >> (16 - 8 * k));
      }
      if (last) {
        return Arrays.copyOf(out, n);
      }
    }
  }

  private static int skipNewlines(String src, int from) {
    int i = from;
    while (i < src.length() && (src.charAt(i) == '\n' || src.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }
}
