package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.redact.VisibleText;

/** Escapes untrusted text (anything from the cluster) for HTML text and attribute values. */
public final class Html {
  private Html() {}

  /**
   * Escapes {@code & < > " '}, replaces control characters (which have no business in a page and
   * could hide text) with U+FFFD, and shows invisible format characters as {@code \\u202e} text: a
   * bidi override would otherwise reorder the rest of the line, a tag character hide text. Newlines
   * and tabs stay.
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\n', '\t' -> out.append((char) c);
        default -> {
          if (Character.isISOControl(c)) {
            out.append('\uFFFD');
          } else if (VisibleText.isInvisible(c)) {
            out.append(VisibleText.escape(c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    }
    return out.toString();
  }
}
