package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.engine.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished run, as listeners (metrics, the change watcher) see it.
 *
 * @param report the new report on success, null on error
 * @param error what went wrong, in pulldoctor's words, null on success
 */
public record RunRecord(
    RunTrigger trigger,
    RunOutcome outcome,
    Instant startedAt,
    Duration duration,
    @Nullable Report report,
    @Nullable String error) {
  public RunRecord {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
  }
}
