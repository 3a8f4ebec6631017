package dev.pulldoctor.rules.goport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Conversions between Java text and the "byte strings" the Go ports work on: one UTF-8 byte per
 * char, so that a percent-decoded {@code %FF} stays the byte 0xFF as it does in a Go string.
 */
public final class GoBytes {
  /** Go's {@code utf8.RuneError}, what invalid UTF-8 decodes to. */
  public static final int RUNE_ERROR = 0xFFFD;

  private GoBytes() {}

  /**
   * The UTF-8 bytes of {@code text}, one per char. Lone surrogates become U+FFFD, as Go's {@code
   * encoding/json} decodes a lone {@code \ud800} escape (Java's encoder would write {@code ?}).
   */
  public static String of(String text) {
    boolean ascii = text.chars().allMatch(c -> c < 0x80);
    if (ascii) {
      return text;
    }
    StringBuilder valid = new StringBuilder(text.length());
    text.codePoints()
        .forEach(cp -> valid.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? RUNE_ERROR : cp));
    return new String(valid.toString().getBytes(UTF_8), ISO_8859_1);
  }

  /** The text a byte string encodes; invalid UTF-8 shows as U+FFFD. */
  public static String text(String bytes) {
    return new String(bytes.getBytes(ISO_8859_1), UTF_8);
  }
}
