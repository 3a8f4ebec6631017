package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import dev.pulldoctor.rules.model.RegistryObservation.StageTime;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics, alert rules and dashboard against Debian's Prometheus: {@code promtool check rules},
 * {@code test rules} and {@code check metrics}, and a Prometheus server on loopback scraping a
 * running daemon, whose stored metric names must cover every name the dashboard and the alert rules
 * use, and which must accept every panel's query.
 */
@ExtendWith(ProcessLeakCheck.class)
class PrometheusEndToEndTest {
  static final Path DASHBOARDS = Path.of("..", "dashboards");
  static final Path ALERTS = DASHBOARDS.resolve("prometheus/pulldoctor-alerts.yaml");
  static final Path DASHBOARD = DASHBOARDS.resolve("grafana/pulldoctor.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration PROMETHEUS_POLL = Duration.ofMillis(250);
  // Metric names in our PromQL: ours, the JVM's and process's, and Prometheus's own `up`.
  private static final Pattern METRIC =
      Pattern.compile(
          "\\b((?:pulldoctor|jvm|process|jetty|system)_[a-z0-9_]+|up)\\b(?=\\s*[{\\[)]|\\s*$)");

  @TempDir Path dir;

  /** What a probe of ghcr.io observed (as recorded), so the registry metrics have data offline. */
  private static final RegistryObservation GHCR_ANSWERED =
      new RegistryObservation(
          "ghcr.io/acme-data/source-orders:0.3.1",
          "ghcr.io",
          new Connection(
              Outcome.OK,
              null,
              null,
              "GET /v2/ answered 401 with a Bearer challenge, as a registry does",
              List.of(
                  new StageTime(Stage.DNS, 3),
                  new StageTime(Stage.TCP, 9),
                  new StageTime(Stage.TLS, 27),
                  new StageTime(Stage.HTTP, 41)),
              null,
              "https",
              "Bearer",
              "140.82.112.34"),
          Access.notChecked("no pull secret matches ghcr.io"),
          Manifest.notChecked("not checked in this test"));

  @Test
  void promtool_accepts_the_alert_rules_and_their_unit_tests() throws Exception {
    Path promtool = Binaries.require("promtool");
    Path rulesDir = DASHBOARDS.resolve("prometheus").toAbsolutePath().normalize();

    Processes.Finished check =
        Processes.run(
            List.of(promtool.toString(), "check", "rules", "pulldoctor-alerts.yaml"),
            rulesDir,
            null,
            Duration.ofSeconds(30));
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 14 rules found");

    Processes.Finished test =
        Processes.run(
            List.of(promtool.toString(), "test", "rules", "pulldoctor-alerts.test.yaml"),
            rulesDir,
            null,
            Duration.ofSeconds(30));
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void prometheus_scrapes_serve_and_knows_every_metric_the_dashboard_and_alerts_use()
      throws Exception {
    Path promtool = Binaries.require("promtool");
    Path prometheus = Binaries.require("prometheus");
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("abctl-missing-pull-secret"));
        RunningDaemon daemon =
            RunningDaemon.start(
                api,
                dir,
                RunningDaemon.quick(Duration.ofMinutes(10)),
                List.of(),
                null,
                null,
                snapshot -> snapshot.withRegistryObservations(List.of(GHCR_ANSWERED)),
                null)) {
      daemon.awaitReady(200, WAIT);

      // promtool's linter on a real scrape: no finding at all.
      Path scrape = dir.resolve("scrape.txt");
      Files.writeString(scrape, daemon.get("/metrics").body(), StandardCharsets.UTF_8);
      Processes.Finished lint =
          Processes.run(
              List.of(promtool.toString(), "check", "metrics"),
              dir,
              scrape,
              Duration.ofSeconds(30));
      assertThat(lint.output()).isEmpty();
      assertThat(lint.exitCode()).isZero();

      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          rule_files:
            - %s
          scrape_configs:
            - job_name: pulldoctor
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(ALERTS.toAbsolutePath().normalize(), daemon.app.port()),
          StandardCharsets.UTF_8);
      Process server =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        String base = "http://127.0.0.1:" + port;
        JsonNode results =
            awaitQuery(base, "pulldoctor_rule_results{rule=\"pullsecret.exists\",status=\"fail\"}");
        assertThat(results.get(0).path("value").get(1).asText()).isEqualTo("1");
        assertThat(results.get(0).path("metric").path("namespace").asText())
            .isEqualTo("airbyte-abctl");
        awaitQuery(base, "pulldoctor_registry_probe_duration_seconds");

        Set<String> stored = new TreeSet<>();
        get(base + "/api/v1/label/__name__/values")
            .path("data")
            .forEach(n -> stored.add(n.asText()));
        List<String> queries = dashboardQueries();
        queries.addAll(alertQueries());
        Set<String> used = new TreeSet<>();
        queries.forEach(q -> used.addAll(metricNames(q)));
        assertThat(used).contains("pulldoctor_rule_results", "pulldoctor_registry_up", "up");
        assertThat(stored).as("metrics Prometheus stored from the scrape").containsAll(used);

        for (String query : dashboardQueries()) {
          JsonNode answer = get(base + "/api/v1/query?query=" + encode(grafanaVariables(query)));
          assertThat(answer.path("status").asText()).as(query + ": " + answer).isEqualTo("success");
        }
        // The dashboard's job variable (label_values(pulldoctor_build_info, job)) offers the
        // scrape job, and the agent panel's query filtered by it finds the agent's heap.
        assertThat(
                get(base
                        + "/api/v1/label/job/values?match%5B%5D="
                        + encode("pulldoctor_build_info"))
                    .path("data"))
            .extracting(JsonNode::asText)
            .containsExactly("pulldoctor");
        String heap =
            dashboardQueries().stream()
                .filter(q -> q.contains("jvm_memory_used_bytes"))
                .findFirst()
                .orElseThrow();
        JsonNode heapSeries = awaitQuery(base, grafanaVariables(heap));
        assertThat(heapSeries).hasSize(1);
        assertThat(heapSeries.get(0).path("value").get(1).asDouble()).isPositive();

        JsonNode groups = get(base + "/api/v1/rules").path("data").path("groups");
        assertThat(groups.get(0).path("rules").size()).isEqualTo(14);
        JsonNode alerts = awaitAlert(base, "PulldoctorPullSecretMissing");
        assertThat(alerts.path("state").asText()).isEqualTo("pending");
        assertThat(alerts.path("labels").path("namespace").asText()).isEqualTo("airbyte-abctl");
      } finally {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /** Every PromQL expression of the dashboard's panels. */
  static List<String> dashboardQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : MAPPER.readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    return queries;
  }

  static List<String> alertQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    Matcher expr = Pattern.compile("(?m)^\\s+expr: (.+)$").matcher(Files.readString(ALERTS));
    while (expr.find()) {
      queries.add(expr.group(1));
    }
    return queries;
  }

  static Set<String> metricNames(String query) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(query);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** Grafana's variables, as Grafana substitutes them before sending a query. */
  static String grafanaVariables(String query) {
    return query
        .replace("$namespace", ".*")
        .replace("$job", "pulldoctor")
        .replace("$__rate_interval", "1m");
  }

  private static JsonNode awaitQuery(String base, String query) {
    return Waits.await("Prometheus has " + query)
        .atMost(WAIT)
        .pollInterval(PROMETHEUS_POLL)
        .until(
            () -> tryGet(base + "/api/v1/query?query=" + encode(query)).path("data").path("result"),
            result -> result.size() > 0);
  }

  private static JsonNode awaitAlert(String base, String name) {
    return Waits.await("alert " + name)
        .atMost(WAIT)
        .pollInterval(PROMETHEUS_POLL)
        .until(() -> alert(tryGet(base + "/api/v1/alerts"), name), Optional::isPresent)
        .orElseThrow();
  }

  private static Optional<JsonNode> alert(JsonNode alerts, String name) {
    for (JsonNode alert : alerts.path("data").path("alerts")) {
      if (alert.path("labels").path("alertname").asText().equals(name)) {
        return Optional.of(alert);
      }
    }
    return Optional.empty();
  }

  private static JsonNode get(String url) throws IOException {
    return MAPPER.readTree(Http.get(url).body());
  }

  /** Like {@link #get}, but an empty node while the server is still starting. */
  private static JsonNode tryGet(String url) {
    try {
      return get(url);
    } catch (IOException | RuntimeException e) {
      return MAPPER.createObjectNode();
    }
  }

  private static String encode(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
