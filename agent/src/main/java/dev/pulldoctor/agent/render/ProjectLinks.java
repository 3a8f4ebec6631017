package dev.pulldoctor.agent.render;

import java.util.Locale;

/** The project's public addresses, defined once: reports that link to the docs build on these. */
public final class ProjectLinks {
  /** The repository's home page. */
  public static final String HOME = "https://github.com/pulldoctor/pulldoctor";

  /** The docs directory, as GitHub renders it on the main branch. */
  public static final String DOCS_BASE = HOME + "/blob/main/docs/";

  /** The rule catalog, one heading per rule. */
  public static final String RULES_DOC = DOCS_BASE + "rules.md";

  private ProjectLinks() {}

  /** The rule's section of docs/rules.md, e.g. {@code …/rules.md#pullsecretexists}. */
  public static String ruleDoc(String ruleId) {
    return RULES_DOC + "#" + anchor(ruleId);
  }

  /**
   * The anchor GitHub gives a Markdown heading: lower case, spaces as hyphens, and every character
   * other than letters, digits, hyphens and underscores dropped ({@code pullsecret.exists} becomes
   * {@code pullsecretexists}).
   */
  static String anchor(String heading) {
    StringBuilder anchor = new StringBuilder();
    for (char c : heading.strip().toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == ' ') {
        anchor.append('-');
      } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        anchor.append(c);
      }
    }
    return anchor.toString();
  }
}
