package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.engine.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the daemon knows at one moment; an immutable value, replaced after each run.
 *
 * @param report the last published report; null until the first successful run
 * @param lastRunAt when the last run (successful or not) ended
 * @param lastSuccessAt when the last successful run ended
 * @param lastError why the last run failed, in pulldoctor's words; null when it succeeded
 * @param consecutiveFailures failed runs since the last successful one
 * @param running whether a run is in progress
 * @param interval the schedule's interval, to tell an old report from a fresh one
 */
public record DaemonState(
    @Nullable Report report,
    @Nullable Instant lastRunAt,
    @Nullable Instant lastSuccessAt,
    @Nullable String lastError,
    int consecutiveFailures,
    boolean running,
    Duration interval) {

  // A report older than two intervals plus this means runs stopped happening.
  private static final Duration GRACE = Duration.ofMinutes(1);

  public DaemonState {
    Objects.requireNonNull(interval, "interval");
  }

  static DaemonState initial(Duration interval) {
    return new DaemonState(null, null, null, null, 0, false, interval);
  }

  DaemonState withRunning(boolean isRunning) {
    return new DaemonState(
        report, lastRunAt, lastSuccessAt, lastError, consecutiveFailures, isRunning, interval);
  }

  DaemonState succeeded(Report newReport, Instant at) {
    return new DaemonState(newReport, at, at, null, 0, false, interval);
  }

  DaemonState failed(String error, Instant at) {
    return new DaemonState(
        report, at, lastSuccessAt, error, consecutiveFailures + 1, false, interval);
  }

  /**
   * True when the report may no longer describe the cluster: there is none yet, the last run
   * failed, or no run succeeded for two intervals.
   */
  public boolean stale(Instant now) {
    return report == null
        || consecutiveFailures > 0
        || lastSuccessAt == null
        || lastSuccessAt.plus(interval.multipliedBy(2)).plus(GRACE).isBefore(now);
  }

  /** Ready to serve: a report exists and is not stale. */
  public boolean ready(Instant now) {
    return !stale(now);
  }
}
