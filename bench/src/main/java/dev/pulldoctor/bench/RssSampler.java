package dev.pulldoctor.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the RSS of the process every second on a thread of its own, by phase. */
final class RssSampler implements AutoCloseable {
  private final ServeProcess serve;
  private final Map<String, List<Long>> samples = new LinkedHashMap<>();
  private final Thread thread;
  private volatile String phase;
  private volatile boolean stopped;

  /** Starts sampling; the samples go to {@code firstPhase} until {@link #phase} names another. */
  RssSampler(ServeProcess serve, String firstPhase) {
    this.serve = serve;
    this.phase = firstPhase;
    this.thread = new Thread(this::sample, "bench-rss");
    thread.setDaemon(true);
    thread.start();
  }

  void phase(String name) {
    phase = name;
    Bench.progress("hostile: " + name + "…");
  }

  String currentPhase() {
    return phase;
  }

  private void sample() {
    while (!stopped && serve.alive()) {
      try {
        long rss = serve.rssBytes();
        synchronized (samples) {
          samples.computeIfAbsent(phase, k -> new ArrayList<>()).add(rss);
        }
        Thread.sleep(1_000);
      } catch (IOException | IllegalStateException e) {
        return; // the process is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  Map<String, List<Long>> samples() {
    synchronized (samples) {
      Map<String, List<Long>> copy = new LinkedHashMap<>();
      samples.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Stops sampling and waits for the sampling thread to end. */
  void stop() {
    stopped = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
