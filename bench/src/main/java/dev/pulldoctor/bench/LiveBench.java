package dev.pulldoctor.bench;

import dev.pulldoctor.agent.cli.InProcess;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.collect.LargeNamespace;
import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.agent.render.RenderOptions;
import dev.pulldoctor.agent.render.ReportRenderer;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Item 1 of the harness: a full live diagnosis of the large namespace against the limit set by the
 * API calls it needs, both in this JVM against the same mock API server, alternating run by run so
 * that both see the same machine load; then the same diagnosis as a fresh {@code bin/pulldoctor}
 * process, JVM start included.
 */
final class LiveBench {
  private static final String NAMESPACE = LargeNamespace.NAMESPACE;
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final int WARMUP = 3;

  private final Path root;
  private final int runs;
  private final List<Row> rows = new ArrayList<>();

  private LiveBench(Path root, int runs) {
    this.root = root;
    this.runs = runs;
  }

  static List<Row> run(Path root, MockCluster cluster, int runs) throws Exception {
    return new LiveBench(root, runs).measure(cluster);
  }

  private List<Row> measure(MockCluster cluster) throws Exception {
    Path kubeconfig = cluster.kubeconfig();
    try (KubeClients.Connection bare = KubeClients.connect(kubeconfig, null)) {
      compare(cluster, bare.client(), kubeconfig);
      breakdown(bare.client());
    }
    cliProcess(kubeconfig);
    return rows;
  }

  /**
   * {@code limit} and {@code diagnose}, alternating; and the limit again with a client made for the
   * run, as the CLI makes one: a new client starts with empty Jackson caches, which the long-lived
   * one filled long ago.
   */
  private void compare(MockCluster cluster, KubernetesClient bare, Path kubeconfig)
      throws Exception {
    String[] diagnose = {
      "diagnose", "--kubeconfig", kubeconfig.toString(), "-n", NAMESPACE, "--offline", "-o", "json"
    };
    // The limit makes exactly the requests a diagnosis makes (its LISTs, page by page, and its
    // access reviews), as the mock server received them during one diagnosis.
    List<MockCluster.Recorded> calls = cluster.record(() -> check(InProcess.run(diagnose)));
    for (int i = 0; i < WARMUP; i++) {
      limit(bare, calls);
      limitWithNewClient(kubeconfig, calls);
      check(InProcess.run(diagnose));
    }
    Samples limit = new Samples();
    Samples fresh = new Samples();
    Samples full = new Samples();
    for (int i = 0; i < runs; i++) {
      Bench.progress("live run " + (i + 1) + "/" + runs);
      limit.time(() -> limit(bare, calls));
      full.time(() -> check(InProcess.run(diagnose)));
      fresh.time(() -> limitWithNewClient(kubeconfig, calls));
    }
    rows.add(
        Row.of(
            "live",
            "limit: the "
                + describe(calls)
                + " a diagnosis makes, made again one after another by a bare long-lived client,"
                + " each answer deserialized",
            limit.describe()));
    rows.add(
        Row.of(
            "live",
            "diagnose: `diagnose --offline -o json` in process (client, collection, rules, JSON)",
            full.describe()));
    rows.add(ratio("ratio diagnose / limit", full.median() / limit.median()));
    rows.add(
        Row.of(
            "live",
            "limit with a new bare client per run (connect, the same calls, close)",
            fresh.describe()));
    rows.add(ratio("ratio diagnose / limit with a new client", full.median() / fresh.median()));
  }

  private static Row ratio(String what, double ratio) {
    return new Row(
        "live",
        what,
        String.format(Locale.ROOT, "%.2f×", ratio),
        "≤ 1.30×",
        ratio <= 1.3
            ? String.format(Locale.ROOT, "met (%.0f %% under)", (1.3 - ratio) / 1.3 * 100)
            : String.format(Locale.ROOT, "missed by %.2f×", ratio - 1.3));
  }

  private static void limitWithNewClient(Path kubeconfig, List<MockCluster.Recorded> calls)
      throws Exception {
    try (KubeClients.Connection connection = KubeClients.connect(kubeconfig, null)) {
      limit(connection.client(), calls);
    }
  }

  /** "418 requests (400 GETs, 18 POSTs)". */
  private static String describe(List<MockCluster.Recorded> calls) {
    Map<String, Long> byMethod = new TreeMap<>();
    calls.forEach(c -> byMethod.merge(c.method(), 1L, Long::sum));
    StringBuilder methods = new StringBuilder();
    byMethod.forEach(
        (method, count) ->
            methods.append(methods.length() == 0 ? "" : ", ").append(count + " " + method + "s"));
    return calls.size() + " requests (" + methods + ")";
  }

  /** Where a diagnosis spends its time, stage by stage. */
  private void breakdown(KubernetesClient client) throws Exception {
    ClusterCollector collector = new ClusterCollector(client, Clock.fixed(NOW, ZoneOffset.UTC));
    RuleEngine engine = new RuleEngine(Rules.all());
    ReportRenderer json = ReportRenderer.of(OutputFormat.JSON, RenderOptions.plain("bench"));
    Samples collect = new Samples();
    Samples rules = new Samples();
    Samples render = new Samples();
    int results = 0;
    for (int i = 0; i < WARMUP + runs; i++) {
      long start = System.nanoTime();
      Snapshot snapshot = collector.collect(NAMESPACE, "bench");
      long collected = System.nanoTime();
      Report report = engine.run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW);
      long evaluated = System.nanoTime();
      json.render(report);
      long rendered = System.nanoTime();
      if (i >= WARMUP) {
        collect.add((collected - start) / 1e9);
        rules.add((evaluated - collected) / 1e9);
        render.add((rendered - evaluated) / 1e9);
      }
      results = report.results().size();
    }
    rows.add(
        Row.of("live", "  of which collection (ClusterCollector, parallel)", collect.describe()));
    rows.add(
        Row.of(
            "live",
            "  of which rules (Diagnosis + RuleEngine over Rules.all(), " + results + " results)",
            rules.describe()));
    rows.add(Row.of("live", "  of which JSON render", render.describe()));
  }

  /**
   * The same diagnosis as a user runs it: a new JVM through bin/pulldoctor, as it starts (C1 only,
   * serial GC, CDS archive) and, for comparison, with the C2 compiler back.
   */
  private void cliProcess(Path kubeconfig) throws Exception {
    List<String> command =
        List.of(
            "diagnose",
            "--kubeconfig",
            kubeconfig.toString(),
            "-n",
            NAMESPACE,
            "--offline",
            "-o",
            "json");
    Map<String, String> c2 = Map.of("PULLDOCTOR_JAVA_OPTS", "-XX:TieredStopAtLevel=4");
    StartupBench.launch(root, command, Map.of());
    StartupBench.launch(root, command, c2);
    Samples asShipped = new Samples();
    Samples withC2 = new Samples();
    Samples cpu = new Samples();
    Samples cpuC2 = new Samples();
    for (int i = 0; i < runs; i++) {
      Bench.progress("bin/pulldoctor diagnose, run " + (i + 1) + "/" + runs);
      asShipped.time(() -> cpu.add(StartupBench.launch(root, command, Map.of())));
      withC2.time(() -> cpuC2.add(StartupBench.launch(root, command, c2)));
    }
    double median = asShipped.median();
    rows.add(
        new Row(
            "live",
            "`bin/pulldoctor diagnose --offline -o json` on the large namespace, JVM start"
                + " included",
            asShipped.describe() + "; CPU " + cpu.describe(),
            "≤ 2 s",
            median <= 2
                ? String.format(Locale.ROOT, "met (%.2f s under)", 2 - median)
                : String.format(Locale.ROOT, "missed by %.2f s", median - 2)));
    rows.add(
        Row.of(
            "live",
            "  the same with C2 (`PULLDOCTOR_JAVA_OPTS=-XX:TieredStopAtLevel=4`)",
            withC2.describe() + "; CPU " + cpuC2.describe()));
    rows.add(
        StartupBench.share(
            root, "live", "`bin/pulldoctor diagnose` of the large namespace", command));
  }

  /**
   * Exactly the requests a diagnosis made ({@code calls}), one after another on {@code client}'s
   * HTTP client, each answer read whole and deserialized as the client deserializes a typed call.
   */
  private static void limit(KubernetesClient client, List<MockCluster.Recorded> calls)
      throws Exception {
    HttpClient http = client.getHttpClient();
    String master = client.getConfiguration().getMasterUrl().replaceAll("/+$", "");
    for (MockCluster.Recorded call : calls) {
      HttpRequest.Builder request = http.newHttpRequestBuilder().uri(master + call.path());
      if (call.method().equals("POST")) {
        request.post("application/json", call.body().getBytes(StandardCharsets.UTF_8));
      } else if (!call.method().equals("GET")) {
        throw new IllegalStateException("a diagnosis made a " + call.method() + " request");
      }
      HttpResponse<byte[]> response = http.sendAsync(request.build(), byte[].class).get();
      if (!response.isSuccessful()) {
        throw new IllegalStateException(call.method() + " " + call.path() + ": " + response.code());
      }
      client
          .getKubernetesSerialization()
          .unmarshal(new ByteArrayInputStream(response.body()), KubernetesResource.class);
    }
  }

  private static void check(InProcess.Run run) {
    if (run.exitCode() > 1) {
      throw new IllegalStateException("diagnose exited " + run.exitCode() + ": " + run.err());
    }
  }
}
