package dev.pulldoctor.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
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

  private static String text(Metrics metrics) {
    return new String(metrics.scrapeBytes(), StandardCharsets.UTF_8);
  }
}
