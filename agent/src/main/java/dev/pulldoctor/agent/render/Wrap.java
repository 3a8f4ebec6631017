package dev.pulldoctor.agent.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain-text layout for terminals: lines wrapped at word boundaries, lists cut to a few items.
 * Written here rather than taken from a library: what it needs (hanging indents, words longer than
 * the line kept whole so an image name or URL can still be copied) is a few lines, and the text
 * libraries that wrap (commons-text's WordUtils) break long words or drop the indent.
 */
public final class Wrap {
  /** How many items of a list a line shows before "and N more". */
  public static final int LIST_ITEMS = 3;

  private Wrap() {}

  /**
   * {@code text} as lines of at most {@code width} columns where the words allow: the first line
   * starts with {@code first}, the others with {@code rest}. A word longer than a line gets a line
   * of its own and is never cut. Newlines in {@code text} start new lines.
   */
  public static List<String> lines(String text, int width, String first, String rest) {
    List<String> lines = new ArrayList<>();
    String indent = first;
    for (String paragraph : text.split("\n", -1)) {
      StringBuilder line = new StringBuilder(indent);
      boolean empty = true;
      for (String word : paragraph.split(" ", -1)) {
        if (word.isEmpty()) {
          continue;
        }
        if (empty
            && line.length() > 0
            && columns(line) + columns(word) > width
            && columns(rest) < columns(line)) {
          // The lead-in ("  PASS  rule-id  ") leaves no room: the text starts on the next line.
          lines.add(line.toString().stripTrailing());
          indent = rest;
          line = new StringBuilder(indent);
        } else if (!empty && columns(line) + 1 + columns(word) > width) {
          lines.add(line.toString());
          indent = rest;
          line = new StringBuilder(indent);
          empty = true;
        }
        if (!empty) {
          line.append(' ');
        }
        line.append(word);
        empty = false;
      }
      lines.add(line.toString().stripTrailing());
      indent = rest;
    }
    return lines;
  }

  /**
   * The columns {@code text} takes on a terminal: the colour codes the table adds (ESC [ … m) take
   * none. Text from the cluster never holds an ESC: {@link Text#terminalSafe} escapes it.
   */
  static int columns(CharSequence text) {
    int columns = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\u001b') {
        while (i < text.length() && text.charAt(i) != 'm') {
          i++;
        }
      } else {
        columns++;
      }
    }
    return columns;
  }

  /** The lines of {@link #lines}, each ended by a newline. */
  public static String block(String text, int width, String first, String rest) {
    StringBuilder out = new StringBuilder();
    lines(text, width, first, rest).forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  /** The first {@value #LIST_ITEMS} items joined by {@code ", "}, then "and 1,997 more". */
  public static String capped(List<String> items) {
    if (items.size() <= LIST_ITEMS) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, LIST_ITEMS))
        + " and "
        + String.format(Locale.ROOT, "%,d", items.size() - LIST_ITEMS)
        + " more";
  }
}
