package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.redact.SecretText;
import dev.pulldoctor.rules.redact.VisibleText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Makes a report safe to show before any renderer sees it: every text a result carries (message,
 * remediation, evidence, subject, image) loses its secrets ({@link SecretText}) and shows its
 * invisible characters ({@link VisibleText}). Rules quote event and container-status messages
 * verbatim, and those come from the cluster: a registry may echo a password, an attacker may plant
 * bidi controls. Applied once, where the engine makes the report, so that the CLI formats, the
 * daemon's pages and the bundle's report files all get it. The structured fix is left alone: it is
 * built from the rules' own templates and Kubernetes names, never from message text.
 */
public final class ReportRedaction {
  private final SecretText secrets;

  public ReportRedaction(SecretText secrets) {
    this.secrets = secrets;
  }

  public Report apply(Report report) {
    // A report repeats its texts (the same remediation, image or evidence value across results),
    // and redaction is a pure function of the text: each distinct text is redacted once.
    Map<String, String> shown = new HashMap<>();
    Function<String, String> text = t -> shown.computeIfAbsent(t, this::text);
    List<Result> results = new ArrayList<>(report.results().size());
    for (Result r : report.results()) {
      results.add(
          new Result(
              r.rule(),
              r.status(),
              r.severity(),
              subject(r.subject()),
              r.image() == null ? null : text.apply(r.image()),
              text.apply(r.message()),
              r.remediation() == null ? null : text.apply(r.remediation()),
              evidence(r.evidence(), text),
              r.fix()));
    }
    return report.withResults(results);
  }

  /** One text, redacted and with invisible characters shown. */
  public String text(String text) {
    return VisibleText.of(secrets.redact(text));
  }

  private @Nullable ObjectRef subject(@Nullable ObjectRef subject) {
    if (subject == null) {
      return null;
    }
    String namespace = subject.namespace() == null ? null : VisibleText.of(subject.namespace());
    ObjectRef shown =
        new ObjectRef(VisibleText.of(subject.kind()), namespace, VisibleText.of(subject.name()));
    return shown.equals(subject) ? subject : shown;
  }

  private static Map<String, Object> evidence(
      Map<String, Object> evidence, Function<String, String> text) {
    Map<String, Object> out = new LinkedHashMap<>();
    evidence.forEach((key, value) -> out.put(key, value(value, text)));
    return out;
  }

  private static Object value(Object value, Function<String, String> text) {
    if (value instanceof String s) {
      return text.apply(s);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(item == null ? null : value(item, text));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, v == null ? null : value(v, text)));
      return out;
    }
    return value;
  }
}
