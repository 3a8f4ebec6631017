package dev.pulldoctor.agent.metrics;

import dev.pulldoctor.agent.serve.ChangeWatcher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code pulldoctor_watch_restarts_total{resource}}: how often the change watcher re-opened a watch
 * that was closed, failing or silent. Every kind is exported from the start, at 0, so a rise shows
 * as one.
 */
public final class WatchMetrics {
  private WatchMetrics() {}

  public static void bind(MeterRegistry registry, ChangeWatcher watcher) {
    for (String kind : ChangeWatcher.KINDS) {
      FunctionCounter.builder("pulldoctor.watch.restarts", watcher, w -> w.restarts(kind))
          .description(
              "Watches of a resource kind re-opened because they were closed, failing or silent")
          .tag("resource", kind)
          .register(registry);
    }
  }
}
