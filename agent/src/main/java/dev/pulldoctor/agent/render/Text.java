package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.redact.VisibleText;

/** Makes untrusted text (anything from the cluster) safe to print on a terminal. */
public final class Text {
  private Text() {}

  /**
   * Replaces control characters, which could move the cursor or recolour the terminal (escape
   * sequence injection through object names or event messages), and invisible format characters
   * (bidi controls that reorder what is shown, Unicode tag characters that hide text) with {@code
   * \\uXXXX}, or {@code \\u{XXXXX}} beyond the BMP. Newlines are kept only when {@code
   * keepNewlines} is set.
   */
  public static String terminalSafe(String text, boolean keepNewlines) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      boolean control =
          (Character.isISOControl(c) && !(keepNewlines && c == '\n')) || VisibleText.isInvisible(c);
      if (control) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(VisibleText.escape(c));
      } else if (out != null) {
        out.appendCodePoint(c);
      }
      i += Character.charCount(c);
    }
    return out == null ? text : out.toString();
  }
}
