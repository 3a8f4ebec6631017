package dev.pulldoctor.agent.render;

import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes untrusted text (anything from the cluster) inert in CommonMark / GitHub Markdown, so that a
 * crafted object name cannot inject links, images, HTML, emphasis, table columns or code fences
 * into a ticket.
 */
final class Markdown {
  /** Characters with inline meaning anywhere in a line; backslash-escaping them is always valid. */
  private static final String INLINE_SPECIALS = "\\`*_[]<>|~&!";

  /**
   * Line starts that open a block (heading, list item, setext underline, ordered list) even in the
   * middle of a paragraph.
   */
  private static final Pattern BLOCK_START = Pattern.compile("(?m)^( {0,3})([#+=-]|\\d+[.)])");

  private static final Pattern BACKTICK_RUN = Pattern.compile("`+");

  private Markdown() {}

  /** Escapes {@code text} for a paragraph; newlines become hard line breaks. */
  static String text(String text) {
    String escaped = escapeInline(Text.terminalSafe(text.strip(), true));
    escaped = BLOCK_START.matcher(escaped).replaceAll(Markdown::escapeBlockStart);
    return escaped.replace("\n", "\\\n");
  }

  /** Escapes {@code text} for one table cell: also no line breaks and no column separators. */
  static String cell(String text) {
    String escaped = escapeInline(Text.terminalSafe(text.strip(), true));
    return escaped.replace("\n", "<br>");
  }

  /**
   * A fenced code block holding {@code text} verbatim: the fence is longer than any backtick run in
   * the text, so nothing inside can close it.
   */
  static String codeBlock(String info, String text) {
    String body = Text.terminalSafe(text.strip(), true);
    int longest = 0;
    Matcher runs = BACKTICK_RUN.matcher(body);
    while (runs.find()) {
      longest = Math.max(longest, runs.group().length());
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    return fence + info + "\n" + body + "\n" + fence + "\n";
  }

  private static String escapeInline(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (INLINE_SPECIALS.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String escapeBlockStart(MatchResult match) {
    String marker = match.group(2);
    // Escaping the last character is enough: "\#", "1\.", "\-".
    String escaped =
        marker.substring(0, marker.length() - 1) + "\\" + marker.charAt(marker.length() - 1);
    return Matcher.quoteReplacement(match.group(1) + escaped);
  }
}
