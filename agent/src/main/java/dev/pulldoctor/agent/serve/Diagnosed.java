package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.model.CollectionError;
import java.util.List;
import java.util.Objects;

/**
 * What one diagnosis produced.
 *
 * @param report the report, already stripped of registry usernames
 * @param serverErrors reads the API server failed with 5xx or 429: the cluster's state is unknown,
 *     so the run does not replace the previous report
 */
public record Diagnosed(Report report, List<CollectionError> serverErrors) {
  public Diagnosed {
    Objects.requireNonNull(report, "report");
    serverErrors = List.copyOf(serverErrors);
  }
}
