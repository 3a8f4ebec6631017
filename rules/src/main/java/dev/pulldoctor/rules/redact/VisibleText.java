package dev.pulldoctor.rules.redact;

/**
 * Shows characters that change how text looks without being seen: bidi controls (U+202A–U+202E,
 * U+2066–U+2069, U+200E/F, U+061C) can make {@code evil.io/x} read as {@code x/oi.live}, and
 * Unicode tag characters (U+E0000–U+E007F) carry hidden text that a language model reads. Each is
 * written as {@code \\uXXXX}, or {@code \\u{XXXXX}} beyond the BMP, the form the terminal output
 * already uses for control characters.
 */
public final class VisibleText {
  private VisibleText() {}

  /** {@code text} with every invisible format character escaped; the rest unchanged. */
  public static String of(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int width = Character.charCount(c);
      if (isInvisible(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(escape(c));
      } else if (out != null) {
        out.appendCodePoint(c);
      }
      i += width;
    }
    return out == null ? text : out.toString();
  }

  /** Format characters (bidi, zero-width, tags), line/paragraph separators and the tag block. */
  public static boolean isInvisible(int c) {
    return Character.getType(c) == Character.FORMAT
        || c == 0x2028
        || c == 0x2029
        || (c >= 0xE0000 && c <= 0xE007F)
        || (Character.isSurrogate((char) c) && c <= 0xFFFF);
  }

  /** {@code \\u202e}, or {@code \\u{e0041}} for a code point beyond the BMP. */
  public static String escape(int c) {
    return c <= 0xFFFF ? String.format("\\u%04x", c) : String.format("\\u{%x}", c);
  }
}
