package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.PullSecretUsernames;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.model.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Takes registry usernames out of the report the daemon serves: its pages are read by more people
 * than a CLI user's terminal, so they show only whether credentials are present and their
 * fingerprints. The usernames come from the snapshot's pull-secret views; the fixed usernames of
 * cloud registry tokens ({@code AWS}, {@code oauth2accesstoken}, …) name no one and stay.
 */
public final class Usernames {
  /** What a username is replaced with. */
  public static final String MASK = "<username>";

  private final @Nullable Pattern pattern;

  private Usernames(Set<String> names) {
    this.pattern = PullSecretUsernames.pattern(names);
  }

  /** The usernames of every pull secret in the snapshot. */
  public static Usernames of(Snapshot snapshot) {
    return new Usernames(PullSecretUsernames.of(snapshot.secrets()));
  }

  /** The report with every username masked and evidence about users left out. */
  public Report redact(Report report) {
    List<Result> results = new ArrayList<>();
    for (Result r : report.results()) {
      String remediation = r.remediation() == null ? null : mask(r.remediation());
      // The structured fix is kept (the page shows its commands apart from its prose) unless it
      // names a user: then only the masked text is shown.
      boolean fixNamesNoUser = remediation == null || remediation.equals(r.remediation());
      results.add(
          new Result(
              r.rule(),
              r.status(),
              r.severity(),
              r.subject(),
              r.image(),
              mask(r.message()),
              remediation,
              evidence(r.evidence()),
              fixNamesNoUser ? r.fix() : null));
    }
    return report.withResults(results);
  }

  String mask(String text) {
    if (pattern == null) {
      return text;
    }
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? matcher.replaceAll(Matcher.quoteReplacement(MASK)) : text;
  }

  private Map<String, Object> evidence(Map<String, Object> evidence) {
    Map<String, Object> kept = new LinkedHashMap<>();
    evidence.forEach(
        (key, value) -> {
          if (!key.toLowerCase(Locale.ROOT).contains("user")) {
            kept.put(key, value instanceof String s ? mask(s) : maskList(value));
          }
        });
    return kept;
  }

  private Object maskList(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(v -> v instanceof String s ? (Object) mask(s) : v).toList();
    }
    return value;
  }
}
