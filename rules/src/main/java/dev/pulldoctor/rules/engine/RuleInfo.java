package dev.pulldoctor.rules.engine;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule checks and why, as data: used by reports, {@code explain}, the generated catalog in
 * {@code docs/rules.md} and (later) metrics labels.
 *
 * @param id stable machine id, {@code area.kebab-name}
 * @param title one line, no trailing period
 * @param severity how bad a failure is
 * @param explanation the facts behind the check, for {@code explain}
 * @param remediation the general fix; results carry the fix with real names filled in
 * @param references sources a user can read (docs pages, code, issues)
 */
public record RuleInfo(
    String id,
    String title,
    Severity severity,
    String explanation,
    String remediation,
    List<String> references) {

  private static final Pattern ID = Pattern.compile("[a-z]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

  public RuleInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(remediation, "remediation");
    references = List.copyOf(references);
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id must look like 'area.kebab-name': " + id);
    }
    if (title.endsWith(".")) {
      throw new IllegalArgumentException("rule title must not end with a period: " + id);
    }
  }

  /** The part of the id before the first dot, e.g. {@code pullsecret}. */
  public String area() {
    return id.substring(0, id.indexOf('.'));
  }
}
