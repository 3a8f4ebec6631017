package dev.pulldoctor.agent.render;

/** Makes untrusted text (anything from the cluster) safe to print on a terminal. */
public final class Text {
  private Text() {}

  /**
   * Replaces control characters, which could move the cursor or recolour the terminal (escape
   * sequence injection through object names or event messages), with {@code \\uXXXX}. Newlines are
   * kept only when {@code keepNewlines} is set.
   */
  public static String terminalSafe(String text, boolean keepNewlines) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control =
          (Character.isISOControl(c) && !(keepNewlines && c == '\n'))
              || c == '\u2028'
              || c == '\u2029'
              || Character.getType(c) == Character.FORMAT;
      if (control) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
