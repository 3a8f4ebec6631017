package dev.pulldoctor.agent.render;

/** Escapes untrusted text (anything from the cluster) for HTML text and attribute values. */
public final class Html {
  private Html() {}

  /**
   * Escapes {@code & < > " '} and replaces control characters (which have no business in a page and
   * could hide text) with U+FFFD; newlines and tabs stay.
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\n', '\t' -> out.append(c);
        default -> out.append(Character.isISOControl(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
