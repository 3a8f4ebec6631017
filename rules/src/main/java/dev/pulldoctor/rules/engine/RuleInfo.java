package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.ResourceKind;
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
 * @param reads the kinds without which the check cannot run at all: when one of them could not be
 *     collected, {@link RuleEngine} reports that in the rule's place ({@link Rule#readScope}). A
 *     kind the rule can do without, or needs only for some images, it looks up itself.
 */
public record RuleInfo(
    String id,
    String title,
    Severity severity,
    String explanation,
    String remediation,
    List<String> references,
    List<ResourceKind> reads) {

  private static final Pattern ID = Pattern.compile("[a-z]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

  public RuleInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(remediation, "remediation");
    references = List.copyOf(references);
    reads = List.copyOf(reads);
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id must look like 'area.kebab-name': " + id);
    }
    if (title.endsWith(".")) {
      throw new IllegalArgumentException("rule title must not end with a period: " + id);
    }
  }

  /** A rule that declares no kind it cannot do without. */
  public RuleInfo(
      String id,
      String title,
      Severity severity,
      String explanation,
      String remediation,
      List<String> references) {
    this(id, title, severity, explanation, remediation, references, List.of());
  }

  /** The part of the id before the first dot, e.g. {@code pullsecret}. */
  public String area() {
    return id.substring(0, id.indexOf('.'));
  }
}
