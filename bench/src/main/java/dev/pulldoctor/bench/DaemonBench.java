package dev.pulldoctor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.LargeNamespace;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Item 3 of the harness: {@code pulldoctor serve} on the large namespace, in its own JVM, with the
 * default schedule ({@code --interval 5m}, {@code --debounce 2s}, {@code --min-run-gap 10s}) and
 * {@code --offline}. It measures the time from a change of the watched pull secret to a report that
 * shows it, then the API requests of one idle interval (from the end of a run to the end of the
 * next periodic run, counted in the mock server's request log) and the memory of the process over
 * that interval; then the memory once more without heap options.
 */
final class DaemonBench {
  /** Where the chart's JVM options are read from: the daemon is measured with them. */
  private static final Path CHART_VALUES = Path.of("helm", "pulldoctor", "values.yaml");

  private static final Pattern CHART_JVM = Pattern.compile("(?m)^jvmOptions: \"([^\"]*)\"$");

  private static final String NMT = "-XX:NativeMemoryTracking=summary";

  private static final String NAMESPACE = LargeNamespace.NAMESPACE;
  private static final String SECRET = "regcred";
  // The launcher's Role in the healthy example the large namespace is built on.
  private static final String LAUNCHER_ROLE = "airbyte-admin-role";
  private static final String REGISTRY = "registry.example.com";
  private static final String USER = "robot$data-team+airbyte";
  // serve's defaults: none of them is passed, these are what the measured daemon uses.
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final Duration MIN_RUN_GAP = Duration.ofSeconds(10);
  private static final int WARMUP = 2;
  private static final Pattern WATCHING = Pattern.compile("watching (\\d+) informer");
  private static final String HEAP_USED = "jvm_memory_used_bytes\\{area=\"heap\",[^}]*}";
  private static final String HEAP_COMMITTED = "jvm_memory_committed_bytes\\{area=\"heap\",[^}]*}";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockCluster cluster;
  private final Path root;
  private final String jvm;
  private final List<Row> rows = new ArrayList<>();
  private int rotation;

  private DaemonBench(Path root, MockCluster cluster) throws IOException {
    this.root = root;
    this.cluster = cluster;
    String override = System.getenv("BENCH_DAEMON_JAVA_OPTS");
    this.jvm = override == null || override.isBlank() ? chartJvmOptions(root) : override.strip();
  }

  /**
   * The chart's {@code jvmOptions}, on top of which bin/pulldoctor adds the image's serial
   * collector and CDS archive; {@code BENCH_DAEMON_JAVA_OPTS} replaces them, to measure others.
   * Native memory tracking (summary) explains the RSS.
   */
  static String chartJvmOptions(Path root) throws IOException {
    Matcher options =
        CHART_JVM.matcher(Files.readString(root.resolve(CHART_VALUES), StandardCharsets.UTF_8));
    if (!options.find()) {
      throw new IllegalStateException("no jvmOptions line in " + CHART_VALUES);
    }
    return options.group(1) + " -XX:+ExitOnOutOfMemoryError";
  }

  /**
   * Measures the daemon; {@code changes} secret changes are timed after {@value #WARMUP} warm-up
   * changes. Takes the interval (5 min) plus about 15 s per change.
   */
  static List<Row> run(Path root, MockCluster cluster, int changes) throws Exception {
    return new DaemonBench(root, cluster).measure(changes);
  }

  /** A bench that only starts daemons on {@code cluster} ({@link DaemonFootprint}). */
  static DaemonBench forFootprint(Path root, MockCluster cluster) throws IOException {
    return new DaemonBench(root, cluster);
  }

  /** The JVM options the daemon is measured with. */
  String jvmOptions() {
    return jvm;
  }

  private List<Row> measure(int changes) throws Exception {
    List<String> args =
        List.of(
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "-n",
            NAMESPACE,
            "--port",
            "0",
            "--offline");
    Map<String, Long> before = cluster.requests();
    Bench.progress("daemon: starting bin/pulldoctor serve " + String.join(" ", args));
    try (ServeProcess serve =
        ServeProcess.start(
            root, Map.of("PULLDOCTOR_JAVA_OPTS", jvm + " " + NMT, "MALLOC_ARENA_MAX", "2"), args)) {
      awaitRuns(serve, 1, Duration.ofMinutes(3));
      int informers = awaitWatches(serve, before);
      Map<String, Long> started = diff(cluster.requests(), before);
      changes(serve, changes);
      roleChange(serve);
      idle(serve, started, informers);
      memory(serve);
      int exit = serve.terminate();
      Bench.progress("daemon: serve exited " + exit + " on SIGTERM");
    }
    withoutHeapOptions(args);
    return rows;
  }

  /**
   * Rotates the pull secret's password and times until {@code /api/v1/report} shows the new
   * password's fingerprint, each change at least the minimum run gap after the last run ended, as a
   * change in a quiet cluster arrives.
   */
  private void changes(ServeProcess serve, int changes) throws Exception {
    Samples toReport = new Samples();
    Samples runs = new Samples();
    for (int i = 0; i < WARMUP + changes; i++) {
      double lastRunEnd = serve.metric("pulldoctor_last_run_timestamp_seconds");
      long wait =
          (long) (lastRunEnd * 1000) + MIN_RUN_GAP.toMillis() + 1000 - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      String fingerprint = fingerprint(serve.get("/api/v1/report"));
      long successes = serve.successfulRuns();
      double runSeconds = serve.metric("pulldoctor_run_duration_seconds_sum");
      long start = System.nanoTime();
      rotate();
      long deadline = start + Duration.ofMinutes(1).toNanos();
      while (true) {
        Thread.sleep(100);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the report did not show the rotated secret within a minute: " + serve.output());
        }
        if (serve.successfulRuns() > successes
            && !fingerprint.equals(fingerprint(serve.get("/api/v1/report")))) {
          break;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double run = serve.metric("pulldoctor_run_duration_seconds_sum") - runSeconds;
      Bench.progress(
          String.format(
              Locale.ROOT,
              "daemon: change %d/%d%s: report after %.2f s, run %.2f s",
              i + 1,
              WARMUP + changes,
              i < WARMUP ? " (warm-up)" : "",
              seconds,
              run));
      if (i >= WARMUP) {
        toReport.add(seconds);
        runs.add(run);
      }
    }
    double median = toReport.median();
    rows.add(
        new Row(
            "daemon",
            "change-to-report: `regcred`'s password rotated in the API until `/api/v1/report` shows"
                + " its new fingerprint (default `--debounce 2s`, change ≥ 11 s after the last run,"
                + " report polled every 0.1 s)",
            toReport.describe(),
            "≤ 3 s",
            median <= 3
                ? String.format(Locale.ROOT, "met (%.2f s under)", 3 - median)
                : String.format(Locale.ROOT, "missed by %.2f s", median - 3)));
    rows.add(
        Row.of(
            "daemon",
            "  of which the run the change triggered (`pulldoctor_run_duration_seconds`)",
            runs.describe()));
  }

  /**
   * Counts the API requests of one whole idle interval: from the end of the last run to the end of
   * the next periodic run, with no change in the cluster; and samples the RSS every 2 s meanwhile.
   */
  private void idle(ServeProcess serve, Map<String, Long> started, int informers) throws Exception {
    long successes = serve.successfulRuns();
    Map<String, Long> before = cluster.requests();
    long start = System.nanoTime();
    Bench.progress(
        "daemon: idle until the next periodic run (--interval "
            + INTERVAL.toMinutes()
            + "m), counting API requests…");
    List<Long> rss = new ArrayList<>();
    long deadline = start + INTERVAL.plusMinutes(2).toNanos();
    long lastSample = 0;
    while (serve.successfulRuns() <= successes) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no periodic run within " + INTERVAL.plusMinutes(2));
      }
      if (System.nanoTime() - lastSample >= 2_000_000_000L) {
        rss.add(serve.rssBytes());
        lastSample = System.nanoTime();
      }
      Thread.sleep(250);
    }
    double window = (System.nanoTime() - start) / 1e9;
    long runsInWindow = serve.successfulRuns() - successes;
    Map<String, Long> requests = diff(cluster.requests(), before);
    Bench.progress(
        String.format(Locale.ROOT, "daemon: requests in the idle window of %.0f s:", window));
    requests.forEach((k, v) -> Bench.progress("  " + v + " " + k));
    RequestCounts idle = RequestCounts.of(requests);
    RequestCounts first = RequestCounts.of(started);
    double perHour = 3600 / window;
    rows.add(
        new Row(
            "daemon",
            String.format(
                Locale.ROOT,
                "API requests per idle hour, counted over one idle interval (%.0f s: end of a run"
                    + " to end of the next periodic run, %d run) and extrapolated",
                window,
                runsInWindow),
            String.format(
                Locale.ROOT,
                "%.0f/h: %.0f LISTs (%d of them in the window informers' relists: a LIST and a"
                    + " new watch of the same path), %.0f access reviews, %.0f watches, %.0f other"
                    + " (window: %d LISTs, %d reviews, %d watches, %d other)",
                idle.total() * perHour,
                idle.lists() * perHour,
                idle.relists(),
                idle.reviews() * perHour,
                idle.watches() * perHour,
                idle.other() * perHour,
                idle.lists(),
                idle.reviews(),
                idle.watches(),
                idle.other()),
            "0 periodic LISTs beyond informer relists",
            idle.lists() == idle.relists()
                ? "met"
                : String.format(
                    Locale.ROOT,
                    "missed by %.0f LISTs/h: runs listed what their informers did not hold",
                    (idle.lists() - idle.relists()) * perHour)));
    rows.add(
        Row.of(
            "daemon",
            "  requests at start: the first run and the informers' first lists and watches ("
                + informers
                + " informers)",
            String.format(
                Locale.ROOT,
                "%d: %d LISTs, %d access reviews, %d watches, %d other",
                first.total(),
                first.lists(),
                first.reviews(),
                first.watches(),
                first.other())));
    rows.add(
        new Row(
            "daemon",
            "RSS over the idle interval (sampled every 2 s, "
                + rss.size()
                + " samples; JVM options below)",
            Samples.mib(rss),
            "≤ 160 MiB",
            max(rss) / 1048576.0 <= 160
                ? String.format(Locale.ROOT, "met (%.0f MiB under)", 160 - max(rss) / 1048576.0)
                : String.format(Locale.ROOT, "missed by %.0f MiB", max(rss) / 1048576.0 - 160)));
  }

  /** Heap now, after a full collection, and the native memory tracking summary. */
  private void memory(ServeProcess serve) throws Exception {
    String scrape = serve.get("/metrics");
    double used = ServeProcess.metric(scrape, HEAP_USED);
    double committed = ServeProcess.metric(scrape, HEAP_COMMITTED);
    serve.jcmd("GC.run");
    double live = serve.heapUsedBytes();
    rows.add(
        new Row(
            "daemon",
            "heap after the idle interval: used / committed; used after a full GC (`jcmd GC.run`,"
                + " then `GC.heap_info`)",
            String.format(
                Locale.ROOT,
                "%.0f / %.0f MiB; %.0f MiB",
                used / 1048576,
                committed / 1048576,
                live / 1048576),
            "live ≤ 40 MiB",
            live / 1048576 <= 40
                ? String.format(Locale.ROOT, "met (%.0f MiB under)", 40 - live / 1048576)
                : String.format(Locale.ROOT, "missed by %.0f MiB", live / 1048576 - 40)));
    Matcher part =
        Pattern.compile(
                "(?m)^-?\\s*(Total|Java Heap|Class|Thread|Code|GC|Metaspace|Symbol"
                    + "|Shared class space)\\b[^\\n]*?committed=(\\d+)KB")
            .matcher(serve.jcmd("VM.native_memory", "summary"));
    List<String> parts = new ArrayList<>();
    while (part.find()) {
      parts.add(
          String.format(
              Locale.ROOT, "%s %.0f", part.group(1), Long.parseLong(part.group(2)) / 1024.0));
    }
    rows.add(
        Row.of(
            "daemon",
            "  JVM options: bin/pulldoctor's (`-XX:+UseSerialGC -XX:TieredStopAtLevel=1`, CDS"
                + " archive) + the chart's `jvmOptions` `"
                + jvm
                + " "
                + NMT
                + "`, `MALLOC_ARENA_MAX=2`; native memory tracking, committed MiB",
            String.join(", ", parts)));
  }

  /**
   * The same daemon with bin/pulldoctor's options only (no heap limit: the JVM picks a quarter of
   * the machine's memory), after three change-triggered runs.
   */
  private void withoutHeapOptions(List<String> args) throws Exception {
    Bench.progress("daemon: serve again without heap options…");
    try (ServeProcess serve = ServeProcess.start(root, Map.of(), args)) {
      awaitRuns(serve, 1, Duration.ofMinutes(3));
      for (int i = 0; i < 3; i++) {
        double lastRunEnd = serve.metric("pulldoctor_last_run_timestamp_seconds");
        long wait =
            (long) (lastRunEnd * 1000) + MIN_RUN_GAP.toMillis() + 1000 - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        long successes = serve.successfulRuns();
        rotate();
        awaitRuns(serve, successes + 1, Duration.ofMinutes(1));
      }
      List<Long> rss = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Thread.sleep(2_000);
        rss.add(serve.rssBytes());
      }
      double heap = serve.metric(HEAP_COMMITTED);
      rows.add(
          Row.of(
              "daemon",
              "  RSS with bin/pulldoctor's options only (no heap limit, no MALLOC_ARENA_MAX), after"
                  + " 4 runs; heap committed",
              Samples.mib(rss) + String.format(Locale.ROOT, "; %.0f MiB", heap / 1048576)));
      serve.terminate();
    }
  }

  /**
   * Empties the rules of the launcher's Role in the API and times until {@code /api/v1/report} is a
   * new report whose access reviews were asked again (the mock API answers every review "allowed",
   * so the verdict itself stays; what is timed is the Role's watch, the run it triggers, and the
   * review cache letting go). Then puts the rules back.
   */
  private void roleChange(ServeProcess serve) throws Exception {
    double lastRunEnd = serve.metric("pulldoctor_last_run_timestamp_seconds");
    long wait =
        (long) (lastRunEnd * 1000) + MIN_RUN_GAP.toMillis() + 1000 - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    var roles = cluster.client().rbac().roles().inNamespace(NAMESPACE).withName(LAUNCHER_ROLE);
    var rules = roles.get().getRules();
    long reviewsBefore = RequestCounts.of(cluster.requests()).reviews();
    long successes = serve.successfulRuns();
    long start = System.nanoTime();
    roles.edit(r -> new RoleBuilder(r).withRules(List.of()).build());
    long deadline = start + Duration.ofMinutes(1).toNanos();
    while (serve.successfulRuns() <= successes
        || RequestCounts.of(cluster.requests()).reviews() <= reviewsBefore) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Role's change did not show within a minute");
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long reviews = RequestCounts.of(cluster.requests()).reviews() - reviewsBefore;
    Bench.progress(
        String.format(Locale.ROOT, "daemon: Role change in the report after %.2f s", seconds));
    rows.add(
        new Row(
            "daemon",
            "a change to a Role: the launcher's Role emptied until `/api/v1/report` is a new report"
                + " whose "
                + reviews
                + " access reviews were asked again",
            String.format(Locale.ROOT, "%.2f s", seconds),
            "≤ 3 s",
            seconds <= 3
                ? String.format(Locale.ROOT, "met (%.2f s under)", 3 - seconds)
                : String.format(Locale.ROOT, "missed by %.2f s", seconds - 3)));
    long after = serve.successfulRuns();
    Thread.sleep(MIN_RUN_GAP.toMillis() + 1000);
    roles.edit(r -> new RoleBuilder(r).withRules(rules).build());
    awaitRuns(serve, after + 1, Duration.ofMinutes(1));
  }

  static void awaitRuns(ServeProcess serve, long runs, Duration timeout)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (serve.successfulRuns() < runs) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "serve did not complete " + runs + " run(s) in " + timeout + ": " + serve.output());
      }
      Thread.sleep(100);
    }
  }

  /** Waits until each informer has opened its watch; returns how many informers there are. */
  int awaitWatches(ServeProcess serve, Map<String, Long> before)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Matcher watching = WATCHING.matcher(serve.output());
      if (watching.find()) {
        int informers = Integer.parseInt(watching.group(1));
        if (RequestCounts.of(diff(cluster.requests(), before)).watches() >= informers) {
          return informers;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the informers did not all watch: " + serve.output());
      }
      Thread.sleep(100);
    }
  }

  /** Replaces the pull secret's password with a new one, as a rotation does. */
  private void rotate() {
    String password = "rotated-" + ++rotation + "-" + Long.toHexString(System.nanoTime());
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    String config =
        "{\"auths\":{\""
            + REGISTRY
            + "\":{\"username\":\""
            + USER
            + "\",\"password\":\""
            + password
            + "\",\"auth\":\""
            + auth
            + "\"}}}";
    String data = Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8));
    cluster
        .client()
        .secrets()
        .inNamespace(NAMESPACE)
        .withName(SECRET)
        .edit(s -> new SecretBuilder(s).withData(Map.of(".dockerconfigjson", data)).build());
  }

  /**
   * The password fingerprints {@code pullsecret.format} reports for the pull secret. They are keyed
   * per daemon process, which is enough: they are only compared within the one daemon measured.
   */
  private static String fingerprint(String report) throws IOException {
    for (JsonNode result : JSON.readTree(report).path("results")) {
      if (result.path("rule").asText().equals("pullsecret.format")
          && result.path("subject").path("name").asText().equals(SECRET)) {
        return result.path("evidence").path("passwordFingerprints").toString();
      }
    }
    throw new IllegalStateException("no pullsecret.format result for " + SECRET);
  }

  private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> diff = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0) {
            diff.put(k, d);
          }
        });
    return diff;
  }

  static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
