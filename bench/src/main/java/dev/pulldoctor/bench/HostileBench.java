package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.HostileNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code hostile} section: {@code pulldoctor serve} on the attack run's namespace ({@link
 * HostileNamespace}: the {@code abctl-missing-pull-secret} install plus 10,000 events of 1 KiB and
 * 100 of 1 MiB in its job namespace) under the Helm chart's defaults, in its own JVM. The JVM
 * options are those of the container image's entrypoint ({@code deploy/pom.xml}), and the chart's
 * memory limit ({@code helm/pulldoctor/values.yaml}) is given to the JVM as {@code -XX:MaxRAM},
 * which is what the JVM sizes its heap from in a container limited to it; no cgroup limits the
 * process here, so the peak RSS is compared with the limit instead. {@code BENCH_HOSTILE_JAVA_OPTS}
 * adds options after these (e.g. {@code -Xmx1g -Xlog:gc:file=gc.log}, to see what a run needs).
 *
 * <p>The mock server pages the collector's event LISTs and keeps the events watch silent, as an API
 * server does ({@link MockCluster#seeded(List, List)}). RSS is sampled every second from the start
 * to the end: the first run, the informers' first lists (the events informer lists every event of
 * the namespace in one LIST), and {@code --runs} (at least 3) runs asked for with {@code POST
 * /api/v1/run}. At the end the process must be alive and {@code /readyz} 200. A process that exits
 * on its own ends the measurement; the rows then say when and why.
 */
final class HostileBench {
  static final String SECTION = "hostile";
  private static final String NAMESPACE = HostileNamespace.NAMESPACE;
  private static final String EVENTS = "/api/v1/namespaces/" + NAMESPACE + "/events";
  private static final String NMT = "-XX:NativeMemoryTracking=summary";
  private static final String DURATION_SUM = "pulldoctor_run_duration_seconds_sum";
  private static final String RUNS = "pulldoctor_runs_total\\{[^}]*}";
  private static final String FAILED_RUNS = "pulldoctor_runs_total\\{outcome=\"error\",?}";
  private static final String WATCH_RESTARTS = "pulldoctor_watch_restarts_total\\{[^}]*}";
  private static final String HEAP_USED = "jvm_memory_used_bytes\\{area=\"heap\",[^}]*}";
  private static final String HEAP_COMMITTED = "jvm_memory_committed_bytes\\{area=\"heap\",[^}]*}";
  private static final String FIRST_PHASE = "start and first run";
  private static final Duration FIRST_RUN = Duration.ofMinutes(5);
  private static final Duration RUN = Duration.ofMinutes(5);
  private static final Duration LISTS = Duration.ofMinutes(3);

  private final Path root;
  private final MockCluster cluster;
  private final List<String> jvm;
  private final long limitMib;
  private final List<Row> rows = new ArrayList<>();

  private HostileBench(Path root, MockCluster cluster, List<String> jvm, long limitMib) {
    this.root = root;
    this.cluster = cluster;
    this.jvm = jvm;
    this.limitMib = limitMib;
  }

  /**
   * Seeds a mock API server with the hostile namespace and measures serve on it; {@code runs} runs
   * (at least 3; beyond 3, one per 20 s, the run trigger's limit) are asked for after the first.
   * Takes 1–3 minutes here, most of it seeding.
   */
  static List<Row> run(Path root, int runs) throws Exception {
    long limitMib = chartMemoryLimitMib(root);
    List<String> jvm = new ArrayList<>(imageJvmOptions(root));
    // In a container the JVM sizes its heap (MaxRAMPercentage) from the cgroup's limit; here the
    // same limit is given as MaxRAM.
    jvm.add(0, "-XX:MaxRAM=" + limitMib + "m");
    // The chart's jvmOptions, which it passes as JDK_JAVA_OPTIONS: its -Xmx wins over the share.
    jvm.addAll(List.of(DaemonBench.chartJvmOptions(root).split("\\s+", -1)));
    jvm.add(NMT);
    String extra = System.getenv("BENCH_HOSTILE_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      jvm.addAll(List.of(extra.strip().split("\\s+", -1)));
    }
    List<HasMetadata> objects = HostileNamespace.objects(root.resolve("examples"));
    try (MockCluster cluster = MockCluster.seeded(objects, List.of(EVENTS))) {
      return new HostileBench(root, cluster, jvm, limitMib).measure(Math.max(3, runs));
    }
  }

  /**
   * The JVM options of the image's entrypoint in {@code deploy/pom.xml} (between {@code java} and
   * {@code -jar}), with the image's CDS archive replaced by the one {@code mvn package} writes next
   * to the jar.
   */
  static List<String> imageJvmOptions(Path root) throws IOException {
    String pom = Files.readString(root.resolve("deploy/pom.xml"), StandardCharsets.UTF_8);
    Matcher entrypoint = Pattern.compile("(?s)<entrypoint>(.*?)</entrypoint>").matcher(pom);
    if (!entrypoint.find()) {
      throw new IllegalStateException("no <entrypoint> in deploy/pom.xml");
    }
    Matcher arg = Pattern.compile("<arg>([^<]*)</arg>").matcher(entrypoint.group(1));
    List<String> options = new ArrayList<>();
    boolean java = false;
    while (arg.find()) {
      String value = arg.group(1).strip();
      if (!java) {
        java = value.endsWith("/java");
        continue;
      }
      if (value.equals("-jar")) {
        return options;
      }
      options.add(
          value.startsWith("-XX:SharedArchiveFile=")
              ? "-XX:SharedArchiveFile=" + root.resolve("agent/target/pulldoctor.jsa")
              : value);
    }
    throw new IllegalStateException("deploy/pom.xml: no 'java … -jar' in the entrypoint");
  }

  /** {@code resources.limits.memory} of the chart's values, in MiB (it is written in Mi or Gi). */
  static long chartMemoryLimitMib(Path root) throws IOException {
    String values =
        Files.readString(root.resolve("helm/pulldoctor/values.yaml"), StandardCharsets.UTF_8);
    Matcher limit =
        Pattern.compile(
                "(?m)^resources:\\n"
                    + "(?: .*\\n"
                    + ")*?  limits:\\n"
                    + "(?:    .*\\n"
                    + ")*?    memory: (\\d+)(Mi|Gi)$")
            .matcher(values);
    if (!limit.find()) {
      throw new IllegalStateException("no resources.limits.memory in helm/pulldoctor/values.yaml");
    }
    long value = Long.parseLong(limit.group(1));
    return limit.group(2).equals("Gi") ? value * 1024 : value;
  }

  private List<Row> measure(int runs) throws Exception {
    Path token = Files.createTempFile("pulldoctor-bench-token", "");
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    Files.writeString(token, secret + "\n", StandardCharsets.US_ASCII);
    List<String> args =
        List.of(
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "-n",
            NAMESPACE,
            "--port",
            "0",
            "--offline",
            "--token-file",
            token.toString());
    Bench.progress(
        "hostile: starting java "
            + String.join(" ", jvm)
            + " -jar agent/target/pulldoctor.jar serve "
            + String.join(" ", args));
    long started = System.nanoTime();
    try (ServeProcess serve = ServeProcess.startJar(root, jvm, args);
        RssSampler rss = new RssSampler(serve, FIRST_PHASE)) {
      HostileRows.Result result = new HostileRows.Result();
      @Nullable String stoppedAt = null;
      double firstRun = Double.NaN;
      Samples runTimes = new Samples();
      try {
        Bench.progress("hostile: " + FIRST_PHASE + "…");
        result.maxHeap = maxHeap(serve.jcmd("VM.flags"));
        awaitRuns(serve, 1, FIRST_RUN);
        firstRun = serve.metric(DURATION_SUM);
        // The informers start as the first run ends.
        rss.phase("informers' first lists");
        Bench.progress(String.format(Locale.ROOT, "hostile: first run took %.2f s", firstRun));
        // What the first run left, before the informers' lists grow the heap.
        String scrape = serve.get("/metrics");
        result.firstRunHeap =
            String.format(
                Locale.ROOT,
                "%.0f / %.0f MiB",
                ServeProcess.metric(scrape, HEAP_USED) / 1048576,
                ServeProcess.metric(scrape, HEAP_COMMITTED) / 1048576);
        result.firstRunNmt = nmt(serve.jcmd("VM.native_memory", "summary"));
        awaitEventWatch(serve);
        rss.phase("runs asked for");
        for (int i = 0; i < runs; i++) {
          long before = runs(serve);
          double seconds = serve.metric(DURATION_SUM);
          trigger(serve, secret);
          awaitRuns(serve, before + 1, RUN);
          double run = serve.metric(DURATION_SUM) - seconds;
          runTimes.add(run);
          Bench.progress(
              String.format(Locale.ROOT, "hostile: run %d/%d took %.2f s", i + 1, runs, run));
        }
        rss.phase("after the runs");
        Thread.sleep(5_000);
      } catch (Died | UncheckedIOException | IOException e) {
        // A request that failed because the process had just ended counts as its end.
        Thread.sleep(1_000);
        if (serve.alive()) {
          throw e;
        }
        stoppedAt = rss.currentPhase();
      }
      rss.stop();
      result.alive = serve.alive();
      if (result.alive) {
        ServeProcess.Answer readyz = serve.answer("/readyz");
        result.readyz = readyz.status() + " " + readyz.body().strip();
        result.readyzOk = readyz.status() == 200;
        String scrape = serve.get("/metrics");
        result.failedRuns = (long) ServeProcess.metric(scrape, FAILED_RUNS);
        result.allRuns = (long) ServeProcess.metric(scrape, RUNS);
        result.watchRestarts = (long) ServeProcess.metric(scrape, WATCH_RESTARTS);
        result.heapUsed = ServeProcess.metric(scrape, HEAP_USED);
        result.heapCommitted = ServeProcess.metric(scrape, HEAP_COMMITTED);
        result.peak = serve.peakRssBytes();
        serve.jcmd("GC.run");
        // Not /metrics: its JVM figures may be 5 s old.
        result.heapAfterGc = ServeProcess.heapUsedKib(serve.jcmd("GC.heap_info")) * 1024.0;
        result.nmt = nmt(serve.jcmd("VM.native_memory", "summary"));
      }
      result.stoppedAt = stoppedAt;
      result.seconds = (System.nanoTime() - started) / 1e9;
      result.firstRun = firstRun;
      result.runTimes = runTimes;
      result.requested = runs;
      result.samples = rss.samples();
      result.log = serve.output();
      if (!result.alive) {
        result.exitCode = serve.exitValue();
        List<String> lines = result.log.lines().toList();
        Bench.progress("hostile: serve exited during " + stoppedAt + "; the end of its log:");
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(line -> Bench.progress("  " + line));
      }
      rows.addAll(HostileRows.of(result, limitMib, String.join(" ", jvm).replace(root + "/", "")));
      if (serve.alive()) {
        Bench.progress("hostile: serve exited " + serve.terminate() + " on SIGTERM");
      } else {
        Bench.progress("hostile: serve had exited with " + serve.exitValue());
      }
    } finally {
      Files.deleteIfExists(token);
    }
    return rows;
  }

  /** Triggers a run, waiting out a 429's {@code Retry-After}. */
  private static void trigger(ServeProcess serve, String token) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      alive(serve);
      int[] answer = serve.post("/api/v1/run", token);
      if (answer[0] == 202) {
        return;
      }
      if (answer[0] != 429 || System.nanoTime() > deadline) {
        throw new IllegalStateException("POST /api/v1/run answered " + answer[0]);
      }
      Thread.sleep(Math.max(1, answer[1]) * 1000L);
    }
  }

  /** Runs so far, whatever their outcome. */
  private static long runs(ServeProcess serve) {
    return (long) serve.metric(RUNS);
  }

  private static void awaitRuns(ServeProcess serve, long runs, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      alive(serve);
      if (runs(serve) >= runs) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "serve did not complete " + runs + " run(s) in " + timeout + ": " + serve.output());
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until the events informer has listed the namespace's events (one LIST, unpaged) and
   * opened its watch, as the mock server's request log shows.
   */
  private void awaitEventWatch(ServeProcess serve) throws Exception {
    long deadline = System.nanoTime() + LISTS.toNanos();
    String watch = "GET " + EVENTS + " watch";
    while (cluster.requests().getOrDefault(watch, 0L) == 0) {
      alive(serve);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the events informer did not watch within " + LISTS + ": " + serve.output());
      }
      Thread.sleep(200);
    }
    Bench.progress("hostile: the events informer listed and watches");
    // Let the other informers settle.
    Thread.sleep(3_000);
  }

  private static void alive(ServeProcess serve) throws Died {
    if (!serve.alive()) {
      throw new Died();
    }
  }

  /** The process ended on its own. */
  private static final class Died extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private static long maxHeap(String flags) {
    Matcher max = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
    return max.find() ? Long.parseLong(max.group(1)) : 0;
  }

  private static String nmt(String summary) {
    Matcher part =
        Pattern.compile(
                "(?m)^-?\\s*(Total|Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol"
                    + "|Native Memory Tracking|Shared class space|Arena Chunk|Metaspace)\\b"
                    + "[^\\n]*?committed=(\\d+)KB")
            .matcher(summary);
    List<String> parts = new ArrayList<>();
    while (part.find()) {
      parts.add(
          String.format(
              Locale.ROOT, "%s %.0f", part.group(1), Long.parseLong(part.group(2)) / 1024.0));
    }
    return String.join(", ", parts);
  }
}
