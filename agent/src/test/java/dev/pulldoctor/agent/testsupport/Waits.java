package dev.pulldoctor.agent.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The one way tests wait for something another thread or process does (docs/testing.md): poll a
 * condition until it holds, and fail naming {@code what} when it does not within the time allowed.
 * No test sleeps a fixed time and hopes; code whose timing the test owns (the daemon's schedule)
 * runs on a {@link ManualScheduler} instead.
 *
 * <pre>{@code
 * Waits.await("the first run").until(() -> records.size() == 1);
 * Waits.await("serve listens").atMost(Duration.ofMinutes(1)).until(serve::listening);
 * Waits.await("a run after the edit").untilAsserted(() -> assertThat(...)...);
 * Waits.await("no run during the gap").during(Duration.ofSeconds(1)).atMost(...).until(...);
 * }</pre>
 *
 * <p>The condition is polled on the calling thread (no poller thread for the tests' thread counts
 * to see), at once and then every 50 ms unless the caller sets its own interval.
 */
public final class Waits {
  /** How long a wait lasts unless the caller says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration POLL = Duration.ofMillis(50);

  private Waits() {}

  /** A wait for {@code what}, up to {@link #DEFAULT_TIMEOUT}; {@code atMost} changes it. */
  public static ConditionFactory await(String what) {
    return Awaitility.await(what)
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(POLL)
        .atMost(DEFAULT_TIMEOUT);
  }
}
