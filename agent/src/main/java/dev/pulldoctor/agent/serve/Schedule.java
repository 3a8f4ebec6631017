package dev.pulldoctor.agent.serve;

import java.time.Duration;
import java.util.Objects;

/**
 * When the daemon runs.
 *
 * @param interval between periodic runs
 * @param debounce how long a change waits for more changes before it triggers a run
 * @param minGap the least time between the end of a run and a change-triggered run, so that a
 *     stream of events cannot keep the agent listing the cluster
 * @param retry the first delay after a failed run; it doubles with each further failure, up to
 *     {@code interval} or {@link #MAX_RETRY}, whichever is shorter
 */
public record Schedule(Duration interval, Duration debounce, Duration minGap, Duration retry) {
  /**
   * The longest wait between runs while they fail: the daemon must be ready again within about 35 s
   * of the API server's return (the informers' own reconnect backoff tops out at 32 s), and an
   * outage must not push the next attempt out to a whole interval.
   */
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  public Schedule {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(debounce, "debounce");
    Objects.requireNonNull(minGap, "minGap");
    Objects.requireNonNull(retry, "retry");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
  }

  /** The defaults of {@code pulldoctor serve} with the given interval. */
  public static Schedule every(Duration interval) {
    return new Schedule(
        interval, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  /** The delay before the run after {@code failures} failed runs in a row (1 = the first). */
  Duration retryAfter(int failures) {
    Duration cap = interval.compareTo(MAX_RETRY) < 0 ? interval : MAX_RETRY;
    Duration delay = retry;
    for (int i = 1; i < failures && delay.compareTo(cap) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(cap) < 0 ? delay : cap;
  }
}
