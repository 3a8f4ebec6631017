package dev.pulldoctor.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} serves a rendering made when pulldoctor's metrics changed, so a scrape costs a
 * write, not a render; JVM and process figures are at most {@link Metrics#MAX_AGE} old.
 */
class MetricsCacheTest {
  @Test
  void scrapes_between_changes_serve_one_rendering_refreshed_by_a_run_or_age() {
    AtomicLong nanos = new AtomicLong(1_000);
    try (Metrics metrics = Metrics.create("test", nanos::get)) {
      Counter runs = Counter.builder("pulldoctor.test.runs").register(metrics.registry());
      String first = text(metrics);
      assertThat(first).contains("pulldoctor_test_runs_total 0.0");

      runs.increment();
      nanos.addAndGet(Metrics.MAX_AGE.toNanos() - 1);
      assertThat(text(metrics)).as("within the bound: the same rendering").isEqualTo(first);

      metrics.refresh();
      assertThat(text(metrics)).as("after a run").contains("pulldoctor_test_runs_total 1.0");

      runs.increment();
      nanos.addAndGet(Metrics.MAX_AGE.toNanos());
      assertThat(text(metrics)).as("past the bound").contains("pulldoctor_test_runs_total 2.0");
    }
  }

  @Test
  void a_state_change_shows_in_the_next_scrape_before_any_refresh() {
    AtomicLong nanos = new AtomicLong(1_000);
    AtomicReference<Object> state = new AtomicReference<>(new Object());
    AtomicBoolean stale = new AtomicBoolean();
    try (Metrics metrics = Metrics.create("test", nanos::get)) {
      Gauge.builder("pulldoctor.test.stale", stale, s -> s.get() ? 1 : 0)
          .register(metrics.registry());
      metrics.versionedBy(state::get);
      assertThat(text(metrics)).contains("pulldoctor_test_stale 0.0");

      // The daemon's state is replaced when a run fails; the run's listeners (which refresh the
      // metrics) come after. /readyz already says "not ready": /metrics must agree.
      stale.set(true);
      state.set(new Object());

      assertThat(text(metrics)).contains("pulldoctor_test_stale 1.0");
    }
  }

  private static String text(Metrics metrics) {
    return new String(metrics.scrapeBytes(), StandardCharsets.UTF_8);
  }
}
