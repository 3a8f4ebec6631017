package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.http.BundleSource;
import dev.pulldoctor.agent.http.RateLimiter;
import dev.pulldoctor.agent.http.ReportServer;
import dev.pulldoctor.agent.metrics.Metrics;
import dev.pulldoctor.agent.metrics.RunMetrics;
import dev.pulldoctor.agent.metrics.WatchMetrics;
import dev.pulldoctor.agent.serve.ChangeWatcher;
import dev.pulldoctor.agent.serve.Daemon;
import dev.pulldoctor.agent.serve.DiagnosisRun;
import dev.pulldoctor.agent.serve.HeapReturn;
import dev.pulldoctor.agent.serve.Schedule;
import dev.pulldoctor.agent.serve.WatchTargets;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: diagnosis schedule, change watcher, metrics and HTTP server, wired together
 * and stopped in order. {@code serve} runs one; tests start their own against a mock cluster.
 */
final class DaemonApp implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DaemonApp.class);

  private final Daemon daemon;
  private final ChangeWatcher watcher;
  private final Metrics metrics;
  private final ReportServer server;

  /**
   * What to run and where to listen.
   *
   * @param tokenFile the bearer token of {@code POST /api/v1/run}; null disables it
   * @param runLimiter null for the default limit
   * @param bundles makes bundles for {@code GET /api/v1/bundle}; null disables it
   */
  record Settings(
      KubernetesClient client,
      DiagnosisRun diagnosis,
      List<Rule> rules,
      Schedule schedule,
      String bind,
      int port,
      @Nullable Path tokenFile,
      @Nullable RateLimiter runLimiter,
      @Nullable BundleSource bundles,
      Clock clock) {}

  private DaemonApp(Daemon daemon, ChangeWatcher watcher, Metrics metrics, ReportServer server) {
    this.daemon = daemon;
    this.watcher = watcher;
    this.metrics = metrics;
    this.server = server;
  }

  /** Starts listening, then runs the first diagnosis in the background. */
  static DaemonApp start(Settings settings) {
    Clock clock = settings.clock();
    List<RuleInfo> rules = settings.rules().stream().map(Rule::info).toList();
    Metrics metrics = Metrics.create(VersionInfo.version());
    Daemon daemon = new Daemon(settings.diagnosis(), settings.schedule(), clock);
    daemon.addListener(new RunMetrics(metrics.registry(), rules));
    RunMetrics.bindStaleness(metrics.registry(), () -> daemon.state().stale(clock.instant()));
    metrics.versionedBy(daemon::state);
    // After RunMetrics: scrapes serve this rendering until the next run or Metrics.MAX_AGE.
    daemon.addListener(record -> metrics.refresh());
    ChangeWatcher watcher =
        new ChangeWatcher(
            settings.client(), daemon::changed, metrics::refresh, ChangeWatcher.Policy.DEFAULT);
    WatchMetrics.bind(metrics.registry(), watcher);
    // Runs read what the informers hold; until they hold it (the first run), they list.
    settings.diagnosis().readFrom(watcher);
    daemon.addListener(
        record -> {
          Report report = record.report();
          if (report != null) {
            watcher.watch(WatchTargets.of(report.airbyte()));
          }
        });
    // Last: the run's objects are garbage once every other listener has seen the record.
    daemon.addListener(HeapReturn.forThisJvm());
    RateLimiter given = settings.runLimiter();
    RateLimiter limiter = given != null ? given : ReportServer.Options.defaultLimiter(clock);
    ReportServer server =
        ReportServer.create(
                new ReportServer.Options(
                    daemon,
                    metrics,
                    rules,
                    VersionInfo.version(),
                    settings.tokenFile(),
                    limiter,
                    settings.bundles(),
                    () -> watcher.health().down(),
                    clock))
            .start(settings.bind(), settings.port());
    daemon.start();
    return new DaemonApp(daemon, watcher, metrics, server);
  }

  int port() {
    return server.port();
  }

  Daemon daemon() {
    return daemon;
  }

  ChangeWatcher watcher() {
    return watcher;
  }

  /** Stops serving, watching and running, in that order; the run in progress may finish. */
  @Override
  public void close() {
    logger.info("stopping");
    server.stop();
    watcher.close();
    daemon.close();
    metrics.close();
  }
}
