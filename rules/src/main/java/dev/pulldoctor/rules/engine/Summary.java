package dev.pulldoctor.rules.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Result counts per status. */
public record Summary(int pass, int warn, int fail, int skip, int error) {

  public static Summary of(List<Result> results) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
    return new Summary(
        counts.getOrDefault(Status.PASS, 0),
        counts.getOrDefault(Status.WARN, 0),
        counts.getOrDefault(Status.FAIL, 0),
        counts.getOrDefault(Status.SKIP, 0),
        counts.getOrDefault(Status.ERROR, 0));
  }

  /** The most alarming status present, PASS when there are no results. */
  public Status worst() {
    if (fail > 0) {
      return Status.FAIL;
    }
    if (error > 0) {
      return Status.ERROR;
    }
    if (warn > 0) {
      return Status.WARN;
    }
    return skip > 0 && pass == 0 ? Status.SKIP : Status.PASS;
  }
}
