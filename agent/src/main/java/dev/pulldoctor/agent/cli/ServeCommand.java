package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.AccessReviewCache;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.http.BundleSource;
import dev.pulldoctor.agent.http.ListenException;
import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import dev.pulldoctor.agent.pipeline.Source;
import dev.pulldoctor.agent.pipeline.SupportBundles;
import dev.pulldoctor.agent.serve.ClusterDiagnosis;
import dev.pulldoctor.agent.serve.Schedule;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulldoctor serve}: the in-cluster daemon. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs as a daemon that keeps the diagnosis current and serves it over HTTP.",
      "It diagnoses at start, every --interval and soon after a watched object changes (the"
          + " launcher deployment, its env ConfigMap, the named pull secrets, the job service"
          + " account, job-pod image events), and serves the result:",
      "  /                HTML report",
      "  /api/v1/report   the report as JSON (as 'diagnose -o json', plus its freshness)",
      "  /api/v1/rules    the rule catalog as JSON",
      "  /metrics         Prometheus metrics",
      "  /healthz         200 while the agent runs",
      "  /readyz          200 while the report is current",
      "  POST /api/v1/run run now (bearer token from --token-file)",
      "  GET /api/v1/bundle a fresh support bundle (bearer token from --token-file)",
      "",
      "Binds 127.0.0.1 unless --bind says otherwise; in a cluster use --bind 0.0.0.0 behind a"
          + " Service. Stops cleanly on SIGTERM.",
      ""
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Connector image to check (repeatable). Default: the images of connector job pods and"
              + " of their pull events.")
  List<String> images = new ArrayList<>();

  @Option(names = "--offline", description = "Make no network call except to the Kubernetes API.")
  boolean offline;

  @Mixin NetworkOptions network = new NetworkOptions();

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a cluster).")
  String bind = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Time between periodic runs, e.g. 30s, 5m, 1h (default: ${DEFAULT-VALUE}).")
  Duration interval = Duration.ofMinutes(5);

  @Option(
      names = "--debounce",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description =
          "How long a change waits for further changes before it triggers a run (default:"
              + " ${DEFAULT-VALUE}).")
  Duration debounce = Duration.ofSeconds(2);

  @Option(
      names = "--min-run-gap",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Least time between runs triggered by changes, so a stream of events cannot keep the"
              + " agent listing the cluster (default: ${DEFAULT-VALUE}).")
  Duration minGap = Duration.ofSeconds(10);

  @Option(
      names = "--sar-max-age",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description =
          "How long the answers of the launcher's access reviews are used again while no Role,"
              + " RoleBinding, ClusterRole, ClusterRoleBinding or launcher ServiceAccount changed;"
              + " 0s asks every run (default: ${DEFAULT-VALUE}).")
  Duration sarMaxAge = Duration.ofHours(1);

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the bearer token that POST /api/v1/run requires (e.g. a mounted Secret;"
              + " read at each request). Without it the endpoint is disabled.")
  @Nullable Path tokenFile;

  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final boolean shutdownHook;
  private final Consumer<DaemonApp> started;

  ServeCommand() {
    this(true, app -> {});
  }

  /** For tests: no JVM shutdown hook, and a look at the running app. */
  ServeCommand(boolean shutdownHook, Consumer<DaemonApp> started) {
    this.shutdownHook = shutdownHook;
    this.started = started;
  }

  @Override
  public Integer call() throws InputException, ClusterUnreachableException, InterruptedException {
    validate();
    try {
      serve();
    } finally {
      stopped.countDown();
    }
    return ExitCodes.OK;
  }

  private void serve() throws InputException, ClusterUnreachableException, InterruptedException {
    Clock clock = Clock.systemUTC();
    // Not a static field: picocli creates every command before --log-level is applied, and a logger
    // made that early would fix the log level for the whole run.
    Logger logger = LoggerFactory.getLogger(ServeCommand.class);
    DiagnosisPipeline pipeline =
        new DiagnosisPipeline(network.settings(clock, images, offline, null, false), logger::info);
    try (KubeClients.Connection connection =
        KubeClients.connectForWatching(cluster.kubeconfig, cluster.context)) {
      // Each run asks Airbyte's API and probes the registries (unless --offline), reading
      // credentials afresh so that rotated secrets and files are picked up.
      UnaryOperator<Snapshot> afterCollection =
          pipeline.afterCollection(
              new Source.Cluster(cluster.kubeconfig, cluster.context, cluster.namespace),
              connection.client(),
              // Checked at start; a file that went away since then loses this run's listing only.
              reason -> logger.warn("Airbyte's API was not asked: {}", reason));
      ClusterDiagnosis diagnosis =
          new ClusterDiagnosis(
              connection.client(),
              cluster.namespace,
              connection.context(),
              images,
              offline,
              afterCollection::apply,
              Rules.all(),
              clock,
              new AccessReviewCache(sarMaxAge, clock));
      Schedule schedule = new Schedule(interval, debounce, minGap, Duration.ofSeconds(5));
      try (DaemonApp app =
          listening(
              () ->
                  DaemonApp.start(
                      new DaemonApp.Settings(
                          connection.client(),
                          diagnosis,
                          Rules.all(),
                          schedule,
                          bind,
                          port,
                          tokenFile,
                          null,
                          bundles(diagnosis, pipeline.bundles(), connection),
                          clock)))) {
        spec.commandLine()
            .getErr()
            .println(
                "pulldoctor: serving on http://"
                    + (bind.contains(":") ? "[" + bind + "]" : bind)
                    + ":"
                    + app.port()
                    + "/ (runs every "
                    + interval.toSeconds()
                    + " s)");
        spec.commandLine().getErr().flush();
        if (shutdownHook) {
          Runtime.getRuntime()
              .addShutdownHook(new Thread(this::shutdownAndWait, "pulldoctor-shutdown"));
        }
        started.accept(app);
        stop.await();
      }
    }
  }

  /** Starts the app; a port or address it cannot listen on is the user's to change: exit 2. */
  private DaemonApp listening(Supplier<DaemonApp> start) {
    try {
      return start.get();
    } catch (ListenException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          e.portInUse()
              ? "port " + port + " is already in use (--port); pick another, or 0 for any free one"
              : e.getMessage() + " (--bind " + bind + ", --port " + port + ")");
    }
  }

  /** {@code GET /api/v1/bundle}: a fresh bundle, as {@code pulldoctor bundle create} makes it. */
  private static BundleSource bundles(
      ClusterDiagnosis diagnosis, SupportBundles bundles, KubeClients.Connection connection) {
    return () -> {
      Snapshot snapshot;
      try {
        snapshot = diagnosis.snapshot();
      } catch (ClusterUnreachableException e) {
        throw new BundleSource.Unavailable(String.valueOf(e.getMessage()));
      }
      return bundles.make(
          snapshot, SupportBundles.serverVersion(connection.client()), BundleSource.Made::new);
    };
  }

  /** Ends {@link #call}, which then stops the server, the watches and the schedule in order. */
  void shutdown() {
    stop.countDown();
  }

  /** SIGTERM: the JVM exits when its hooks return, so wait until everything has stopped. */
  private void shutdownAndWait() {
    shutdown();
    try {
      if (!stopped.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        spec.commandLine().getErr().println("pulldoctor: shutdown timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void validate() {
    network.probes.policy();
    Path secretFile = network.airbyteApi.request().secretFile();
    if (secretFile != null && !Files.isReadable(secretFile)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--airbyte-client-secret-file: cannot read " + secretFile);
    }
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be between 0 and 65535");
    }
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--interval must be at least 1s");
    }
    if (tokenFile != null && !Files.isReadable(tokenFile)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--token-file: cannot read " + tokenFile);
    }
  }
}
