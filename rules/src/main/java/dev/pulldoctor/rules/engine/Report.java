package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.model.Source;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The outcome of one diagnosis: what was looked at and every result. */
public record Report(
    Instant generatedAt,
    Source source,
    AirbyteInstall airbyte,
    List<TargetImage> images,
    List<Result> results,
    Summary summary) {

  public static final String API_VERSION = "pulldoctor/v1";
  public static final String KIND = "Report";

  public Report {
    Objects.requireNonNull(generatedAt, "generatedAt");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(airbyte, "airbyte");
    images = List.copyOf(images);
    results = List.copyOf(results);
    Objects.requireNonNull(summary, "summary");
  }

  /** The same report with {@code others} in place of its results (redacted copies, say). */
  public Report withResults(List<Result> others) {
    return new Report(generatedAt, source, airbyte, images, others, summary);
  }

  /** True when some result is at or above {@code threshold} ({@code warn} also counts errors). */
  public boolean hasResultsAtOrAbove(Status threshold) {
    return results.stream().anyMatch(r -> r.status().isAtLeast(threshold));
  }
}
