package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.LargeNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The daemon's footprint alone, on namespaces of different sizes, so the table shows how it grows
 * with the namespace: {@code serve} with the chart's JVM options, its first run and the informers'
 * first lists, one periodic run from the caches, then the RSS over a minute idle and the heap live
 * after a full GC.
 */
final class DaemonFootprint {
  private DaemonFootprint() {}

  /**
   * What {@link DaemonFootprint#footprint} measured: the RSS's max over a minute idle, the heap
   * live after GC.
   */
  record Footprint(String label, int jobPods, double rssMib, double liveMib) {
    Row row() {
      return Row.of(
          "daemon",
          "footprint on "
              + label
              + ": RSS over a minute idle after a run from the caches (max); heap live after a full"
              + " GC",
          String.format(Locale.ROOT, "%.0f MiB; %.0f MiB", rssMib, liveMib));
    }

    /**
     * The growth per 1,000 job pods from {@code smaller} to this one, and what 50,000 would need.
     */
    Row growthFrom(Footprint smaller) {
      double thousands = (jobPods - smaller.jobPods) / 1000.0;
      double rss = (rssMib - smaller.rssMib) / thousands;
      double live = (liveMib - smaller.liveMib) / thousands;
      return Row.of(
          "daemon",
          "  growth per 1,000 job pods (with their events, secrets and RBAC, "
              + smaller.label
              + " to "
              + label
              + "); so 50,000 job pods",
          String.format(
              Locale.ROOT,
              "RSS %.1f MiB, heap live %.1f MiB; about %.0f MiB RSS, %.0f MiB live",
              rss,
              live,
              smaller.rssMib + rss * (50 - smaller.jobPods / 1000.0),
              smaller.liveMib + live * (50 - smaller.jobPods / 1000.0)));
    }
  }

  /**
   * The heap used after a full GC between runs: right after a run ends (runs come every 30 s here
   * and take seconds on the larger namespace), the least of two such readings. A collection during
   * a run would count the objects the run made from the caches as live.
   */
  private static long liveBytes(ServeProcess serve) throws Exception {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      DaemonBench.awaitRuns(serve, serve.successfulRuns() + 1, Duration.ofMinutes(2));
      serve.jcmd("GC.run");
      least = Math.min(least, serve.heapUsedBytes());
    }
    return least;
  }

  /**
   * Keeps the heap's biggest classes after the full GC in {@code
   * bench/target/footprint-histogram-N.txt} (N job pods), to see what the live heap holds: class
   * names, counts and bytes only, never an object's contents; before them, the resident set by
   * mapping.
   */
  private static void histogram(Path root, ServeProcess serve, int jobPods, boolean nmt)
      throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>(serve.residentByMapping(12));
    if (nmt) {
      // Native memory tracking's committed totals by area (BENCH_DAEMON_JAVA_OPTS turns it on).
      serve
          .jcmd("VM.native_memory", "summary")
          .lines()
          .filter(l -> l.contains("committed=") && !l.contains("(mmap:"))
          .filter(l -> l.startsWith("-") || l.startsWith("Total"))
          .forEach(lines::add);
    }
    // The generations' sizes: what the committed heap is made of.
    serve.jcmd("GC.heap_info").lines().skip(1).forEach(lines::add);
    serve.jcmd("GC.class_histogram").lines().limit(45).forEach(lines::add);
    Path out = root.resolve("bench/target/footprint-histogram-" + jobPods + ".txt");
    Files.createDirectories(out.getParent());
    Files.write(out, lines, StandardCharsets.UTF_8);
    Bench.progress("daemon: histogram in " + root.relativize(out));
  }

  /**
   * The footprint alone: {@code serve} with the chart's JVM options, its first run (which lists)
   * and the informers' first lists, one periodic run from the caches, then RSS sampled over a
   * minute of idling, and the heap live after a full GC.
   */
  static Footprint footprint(Path root, MockCluster cluster, String label, int jobPods)
      throws Exception {
    DaemonBench bench = DaemonBench.forFootprint(root, cluster);
    List<String> args =
        List.of(
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "-n",
            LargeNamespace.NAMESPACE,
            "--port",
            "0",
            "--offline",
            "--interval",
            "30s");
    Map<String, Long> before = cluster.requests();
    Bench.progress("daemon: footprint on " + label + "…");
    try (ServeProcess serve =
        ServeProcess.start(
            root,
            Map.of("PULLDOCTOR_JAVA_OPTS", bench.jvmOptions(), "MALLOC_ARENA_MAX", "2"),
            args)) {
      DaemonBench.awaitRuns(serve, 1, Duration.ofMinutes(5));
      bench.awaitWatches(serve, before);
      long successes = serve.successfulRuns();
      DaemonBench.awaitRuns(serve, successes + 1, Duration.ofMinutes(2));
      List<Long> rss = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Thread.sleep(2_000);
        rss.add(serve.rssBytes());
      }
      double live = liveBytes(serve);
      histogram(root, serve, jobPods, bench.jvmOptions().contains("NativeMemoryTracking"));
      serve.terminate();
      Footprint footprint =
          new Footprint(label, jobPods, DaemonBench.max(rss) / 1048576.0, live / 1048576);
      Bench.progress("row: " + footprint.row());
      return footprint;
    }
  }
}
