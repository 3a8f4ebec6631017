package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.ManifestReader;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's steady-state footprint on a namespace with 2,000 job pods and 10,000 events: RSS of
 * a {@code serve} JVM run as the container runs it, and the Kubernetes API requests it makes, per
 * run and per hour. Not a timed test: it prints its numbers and asserts nothing. Run it with
 *
 * <pre>
 * mvn -o -q -Djacoco.skip=true -pl agent -am test -Dtest=DaemonBenchmark -Dpulldoctor.bench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false &amp;&amp; cat agent/target/daemon-benchmark.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "pulldoctor.bench", matches = "true")
class DaemonBenchmark {
  private static final int JOB_PODS = 2_000;
  private static final int EVENTS = 10_000;
  private static final Duration INTERVAL = Duration.ofSeconds(20);
  private static final int RUNS = 6;

  /** The JVM options this benchmark recommends for the container image (docs/daemon.md). */
  static final List<String> JVM =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms32m",
          "-Xmx256m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=20",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-XX:+ExitOnOutOfMemoryError");

  @TempDir Path dir;

  @Test
  void serve_on_2000_job_pods_and_10000_events() throws Exception {
    List<String> lines = new ArrayList<>();
    try (MockApi api = MockApi.start()) {
      long seedStart = System.nanoTime();
      api.seed(
          new ManifestReader()
              .read(List.of(CliRun.EXAMPLES.resolve("healthy-private-registry")))
              .objects());
      seedParallel(api, largeNamespace());
      lines.add(
          String.format(
              Locale.ROOT,
              "mock API: namespace airbyte with %d job pods and %d events (seeded in %.0f s)",
              JOB_PODS,
              EVENTS,
              (System.nanoTime() - seedStart) / 1e9));
      Map<String, Long> before = api.requestCounts();
      try (ChildServe serve =
          ChildServe.start(
              dir,
              Stream.concat(JVM.stream(), Stream.of("-XX:NativeMemoryTracking=summary")).toList(),
              "info",
              "--kubeconfig",
              api.kubeconfig(dir).toString(),
              "-n",
              "airbyte",
              "--port",
              "0",
              "--offline",
              "--interval",
              INTERVAL.toSeconds() + "s")) {
        // The first run, then the informers' first lists; count from the second run on.
        awaitRuns(serve, 2);
        Map<String, Long> afterFirst = api.requestCounts();
        long startupRequests = total(afterFirst) - total(before);
        awaitRuns(serve, RUNS + 2);
        Map<String, Long> afterRuns = api.requestCounts();
        long steadyGets = afterRuns.getOrDefault("GET", 0L) - afterFirst.getOrDefault("GET", 0L);
        long steadyPosts = afterRuns.getOrDefault("POST", 0L) - afterFirst.getOrDefault("POST", 0L);
        long watches =
            afterRuns.getOrDefault("GET watch", 0L) - before.getOrDefault("GET watch", 0L);
        double perRun = (steadyGets + steadyPosts) / (double) RUNS;
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          rss.add(serve.rssBytes());
          Thread.sleep(1_000);
        }
        String metrics = Http.get(serve.url("/metrics")).body();
        double heap = sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*} (\\S+)");
        double runSeconds =
            sum(metrics, "pulldoctor_run_duration_seconds_sum (\\S+)")
                / sum(metrics, "pulldoctor_run_duration_seconds_count (\\S+)");
        int informers = countMatches(serve.output(), "watching (\\d+) object", 1);
        lines.add("serve JVM options: " + String.join(" ", JVM) + "; MALLOC_ARENA_MAX=2");
        lines.add(
            String.format(
                Locale.ROOT,
                "steady-state RSS: %.0f MiB (max of 5 samples after %d runs); heap used %.0f MiB",
                rss.stream().mapToLong(Long::longValue).max().orElse(0) / 1048576.0,
                RUNS + 2,
                heap / 1048576.0));
        lines.add(
            String.format(
                Locale.ROOT,
                "mean run: %.2f s; %d requests for the first two runs and the informers' lists;"
                    + " %.1f requests per periodic run (%d LIST/GET, %d POST for access reviews);"
                    + " %d watches opened (%d informers)",
                runSeconds,
                startupRequests,
                perRun,
                steadyGets,
                steadyPosts,
                watches,
                informers));
        lines.add(
            String.format(
                Locale.ROOT,
                "API requests per hour at the default --interval 5m: %.0f (12 runs x %.1f, plus"
                    + " about 8 watch renewals per informer per hour: fabric8 renews each watch"
                    + " every 5-10 min)",
                12 * perRun + 8.0 * informers,
                perRun));
        lines.add(
            String.format(
                Locale.ROOT,
                "API requests per hour at --interval %ds (this benchmark): %.0f",
                INTERVAL.toSeconds(),
                3600.0 / INTERVAL.toSeconds() * perRun + 8.0 * informers));
        Processes.Finished nmt =
            Processes.run(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(serve.process.pid()),
                    "VM.native_memory",
                    "summary"),
                dir,
                null,
                Duration.ofSeconds(30));
        lines.add("native memory tracking (committed), the largest parts:");
        Matcher part =
            Pattern.compile(
                    "(?m)^-?\\s*(Total|Java"
                        + " Heap|Metaspace|Class|Code|Thread|Symbol|GC)\\b.*committed=(\\d+)KB")
                .matcher(nmt.output());
        while (part.find()) {
          lines.add(
              String.format(
                  Locale.ROOT,
                  "  %-10s %6.1f MiB",
                  part.group(1),
                  Long.parseLong(part.group(2)) / 1024.0));
        }
        serve.terminate(Duration.ofSeconds(20));
      }
    }
    String report = String.join("\n", lines) + "\n";
    Files.writeString(Path.of("target", "daemon-benchmark.txt"), report, StandardCharsets.UTF_8);
    System.out.print(report);
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void awaitRuns(ChildServe serve, int runs) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (countMatches(
            Http.get(serve.url("/metrics")).body(),
            "pulldoctor_runs_total\\{outcome=\"success\"} (\\S+)",
            1)
        < runs) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("serve did not complete " + runs + " runs: " + serve.output());
      }
      Thread.sleep(500);
    }
  }

  private static int countMatches(String text, String regex, int group) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    int last = 0;
    while (matcher.find()) {
      last = (int) Double.parseDouble(matcher.group(group));
    }
    return last;
  }

  private static double sum(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }

  private static void seedParallel(MockApi api, List<HasMetadata> objects) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (HasMetadata object : objects) {
        done.add(pool.submit(() -> api.client.resource(object).create()));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The healthy example's check pod copied 2,000 times and its events 10,000 times, each copy with
   * its own job id, uid and name, as real job pods have.
   */
  private static List<HasMetadata> largeNamespace() throws Exception {
    List<HasMetadata> example =
        new ManifestReader()
            .read(List.of(CliRun.EXAMPLES.resolve("healthy-private-registry")))
            .objects();
    KubernetesSerialization serialization = new KubernetesSerialization();
    Pod jobPod =
        example.stream()
            .filter(o -> o instanceof Pod)
            .map(Pod.class::cast)
            .filter(p -> p.getMetadata().getName().startsWith("source-acme-check"))
            .findFirst()
            .orElseThrow();
    List<Event> events =
        example.stream().filter(o -> o instanceof Event).map(Event.class::cast).toList();
    Random random = new Random(42);
    List<HasMetadata> objects = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < JOB_PODS; i++) {
      Pod pod = serialization.clone(jobPod);
      String jobId = new UUID(random.nextLong(), random.nextLong()).toString();
      String name = "source-acme-check-" + jobId + "-0-" + suffix(random);
      pod.getMetadata().setName(name);
      pod.getMetadata().setUid(new UUID(random.nextLong(), random.nextLong()).toString());
      pod.getMetadata().setResourceVersion(null);
      objects.add(pod);
      names.add(name);
    }
    for (int i = 0; i < EVENTS; i++) {
      Event event = serialization.clone(events.get(i % events.size()));
      String pod = names.get(random.nextInt(names.size()));
      event.getMetadata().setName(pod + "." + Long.toHexString(random.nextLong()));
      event.getMetadata().setUid(new UUID(random.nextLong(), random.nextLong()).toString());
      event.getMetadata().setResourceVersion(null);
      event.getInvolvedObject().setName(pod);
      objects.add(event);
    }
    return objects;
  }

  private static String suffix(Random random) {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append((char) ('a' + random.nextInt(26)));
    }
    return suffix.toString();
  }
}
