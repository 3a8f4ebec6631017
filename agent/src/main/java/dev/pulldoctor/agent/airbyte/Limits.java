package dev.pulldoctor.agent.airbyte;

import java.time.Duration;

/**
 * Bounds on every call to Airbyte's API, so a slow, hostile or huge server cannot stall or exhaust
 * the agent.
 *
 * @param connectTimeout to open a connection
 * @param requestTimeout for one request, until the whole body is read
 * @param maxBodyBytes the largest answer read; larger ones are an error
 * @param pageSize workspaces or actors asked for per page
 * @param maxPages pages read per listing before giving up
 * @param maxVersionLookups actors whose pinned version is looked up
 */
public record Limits(
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBodyBytes,
    int pageSize,
    int maxPages,
    int maxVersionLookups) {

  /**
   * Generous enough for a definition list with inline SVG icons (older Airbyte versions send a few
   * MB for ~600 connectors), small enough for a CLI.
   */
  public static final Limits DEFAULT =
      new Limits(Duration.ofSeconds(5), Duration.ofSeconds(30), 16 << 20, 100, 100, 200);

  /** {@code 30 s}, or {@code 0.7 s} below ten seconds. */
  static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 || millis >= 10_000
        ? (millis / 1000) + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
