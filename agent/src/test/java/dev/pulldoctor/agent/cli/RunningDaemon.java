package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.AccessReviewCache;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.http.BundleSource;
import dev.pulldoctor.agent.http.RateLimiter;
import dev.pulldoctor.agent.serve.ClusterDiagnosis;
import dev.pulldoctor.agent.serve.Schedule;
import dev.pulldoctor.agent.serve.SnapshotStep;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** A daemon as {@code serve} wires it, against a {@link MockApi}, on a free loopback port. */
final class RunningDaemon implements AutoCloseable {
  static final String TOKEN = "test-run-token-0123456789";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);

  final DaemonApp app;
  final Path tokenFile;
  private final KubeClients.Connection connection;

  private RunningDaemon(DaemonApp app, Path tokenFile, KubeClients.Connection connection) {
    this.app = app;
    this.tokenFile = tokenFile;
    this.connection = connection;
  }

  /** Short debounce, no minimum gap and fast retries: tests wait seconds, not minutes. */
  static Schedule quick(Duration interval) {
    return new Schedule(interval, Duration.ofMillis(200), Duration.ZERO, Duration.ofMillis(300));
  }

  static RunningDaemon start(MockApi api, Path dir, Schedule schedule) throws Exception {
    return start(api, dir, schedule, List.of(), null, null);
  }

  static RunningDaemon start(
      MockApi api,
      Path dir,
      Schedule schedule,
      List<Rule> extraRules,
      @Nullable String namespace,
      @Nullable RateLimiter limiter)
      throws Exception {
    return start(
        api.connect(dir), dir, schedule, extraRules, namespace, limiter, SnapshotStep.NONE, null);
  }

  /** Starts a daemon on a connection of the test's making (e.g. through a {@link FlakyProxy}). */
  static RunningDaemon start(
      KubeClients.Connection connection,
      Path dir,
      Schedule schedule,
      List<Rule> extraRules,
      @Nullable String namespace,
      @Nullable RateLimiter limiter)
      throws Exception {
    return start(
        connection, dir, schedule, extraRules, namespace, limiter, SnapshotStep.NONE, null);
  }

  /** Starts a daemon on the mock API with stand-in probe observations or a bundle source. */
  static RunningDaemon start(
      MockApi api,
      Path dir,
      Schedule schedule,
      List<Rule> extraRules,
      @Nullable String namespace,
      @Nullable RateLimiter limiter,
      SnapshotStep afterCollection,
      @Nullable BundleSource bundles)
      throws Exception {
    return start(
        api.connect(dir), dir, schedule, extraRules, namespace, limiter, afterCollection, bundles);
  }

  /**
   * Starts a daemon.
   *
   * @param extraRules rules run besides {@link Rules#all()}
   * @param namespace the Airbyte namespace, null to find it
   * @param afterCollection what each run adds to the snapshot (stand-in probe observations)
   */
  static RunningDaemon start(
      KubeClients.Connection connection,
      Path dir,
      Schedule schedule,
      List<Rule> extraRules,
      @Nullable String namespace,
      @Nullable RateLimiter limiter,
      SnapshotStep afterCollection,
      @Nullable BundleSource bundles)
      throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n", StandardCharsets.UTF_8);
    List<Rule> rules = new ArrayList<>(Rules.all());
    rules.addAll(extraRules);
    Clock clock = Clock.systemUTC();
    ClusterDiagnosis diagnosis =
        new ClusterDiagnosis(
            connection.client(),
            namespace,
            connection.context(),
            List.of(),
            true,
            afterCollection,
            rules,
            clock,
            new AccessReviewCache(Duration.ofHours(1), clock));
    DaemonApp app =
        DaemonApp.start(
            new DaemonApp.Settings(
                connection.client(),
                diagnosis,
                rules,
                schedule,
                "127.0.0.1",
                0,
                tokenFile,
                limiter,
                bundles,
                clock));
    return new RunningDaemon(app, tokenFile, connection);
  }

  String url(String path) {
    return "http://127.0.0.1:" + app.port() + path;
  }

  HttpResponse<String> get(String path) {
    return Http.get(url(path));
  }

  JsonNode report() {
    try {
      return MAPPER.readTree(get("/api/v1/report").body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls the report until {@code condition} holds, failing after {@code timeout}. */
  JsonNode awaitReport(Predicate<JsonNode> condition, Duration timeout) {
    return Waits.await("report condition")
        .atMost(timeout)
        .pollInterval(POLL)
        .until(this::report, condition);
  }

  /** Waits until {@code /readyz} answers {@code status}. */
  void awaitReady(int status, Duration timeout) {
    Waits.await("/readyz " + status)
        .atMost(timeout)
        .pollInterval(POLL)
        .until(() -> get("/readyz").statusCode() == status);
  }

  /**
   * Waits until {@code /readyz} says {@code reason}: during an outage the watches may make it 503
   * (naming them) before the run that fails does.
   */
  void awaitReadyz(String reason, Duration timeout) {
    Waits.await("/readyz saying '" + reason + "'")
        .atMost(timeout)
        .pollInterval(POLL)
        .until(() -> get("/readyz").body().contains(reason));
  }

  /** Waits until every informer of the change watcher watches. */
  void awaitWatching(Duration timeout) {
    awaitWatchingAllBut(0, timeout);
  }

  /**
   * Waits until every informer watches but {@code refused}, which the API server forbids (a 403 on
   * their list or watch).
   */
  void awaitWatchingAllBut(int refused, Duration timeout) {
    Waits.await("informers watching")
        .atMost(timeout)
        .untilAsserted(
            () -> {
              var health = app.watcher().health();
              assertThat(
                      health.informers() > 0
                          && health.refused().size() == refused
                          && health.watching() == health.informers() - refused)
                  .as("informers watching, all but %d refused: %s", refused, health)
                  .isTrue();
            });
  }

  /**
   * Waits until every informer has watched for {@code time} without a break: a watch cut within
   * milliseconds of opening is not a cut mid-stream.
   */
  void awaitWatchingFor(Duration time, Duration timeout) {
    Waits.await("every informer watching for " + time)
        .during(time)
        .atMost(timeout.plus(time))
        .until(
            () -> {
              var health = app.watcher().health();
              return health.informers() > 0 && health.watching() == health.informers();
            });
  }

  /** The status of {@code rule}'s worst result, e.g. {@code fail}; null when it has none. */
  static @Nullable String status(JsonNode report, String rule) {
    String worst = null;
    List<String> order = List.of("pass", "skip", "warn", "error", "fail");
    for (JsonNode result : report.path("results")) {
      if (result.path("rule").asText().equals(rule)) {
        String status = result.path("status").asText();
        if (worst == null || order.indexOf(status) > order.indexOf(worst)) {
          worst = status;
        }
      }
    }
    return worst;
  }

  @Override
  public void close() {
    app.close();
    connection.close();
  }
}
