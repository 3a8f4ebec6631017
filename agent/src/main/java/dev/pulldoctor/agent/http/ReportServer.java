package dev.pulldoctor.agent.http;

import dev.pulldoctor.agent.metrics.Metrics;
import dev.pulldoctor.agent.serve.Daemon;
import dev.pulldoctor.rules.engine.RuleInfo;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints: the HTML report, the report and rules as JSON, health, readiness,
 * metrics, and the authenticated run trigger. {@link #create} returns an unstarted server, so tests
 * and {@code serve} build the same one.
 */
public final class ReportServer {
  private static final Logger logger = LoggerFactory.getLogger(ReportServer.class);

  /** A small agent: a handful of scrapes and page views at a time. */
  static final int MAX_THREADS = 8;

  static final int MIN_THREADS = 2;
  private static final long MAX_REQUEST_BYTES = HttpGuards.MAX_REQUEST_BYTES;
  private static final String TEXT = HttpGuards.TEXT;

  private final Javalin app;

  private ReportServer(Javalin app) {
    this.app = app;
  }

  /**
   * What the server serves.
   *
   * @param tokenFile the bearer token of {@code POST /api/v1/run} and {@code GET /api/v1/bundle};
   *     null disables both
   * @param runLimiter how often {@code POST /api/v1/run} and {@code GET /api/v1/bundle} may be
   *     called together (any caller): each lists the cluster
   * @param bundles makes support bundles; null disables {@code GET /api/v1/bundle}
   * @param downWatches the change watches that are down (e.g. {@code Secret airbyte/regcred}): the
   *     daemon is not ready while one is, since changes go unseen
   */
  public record Options(
      Daemon daemon,
      Metrics metrics,
      List<RuleInfo> rules,
      String version,
      @Nullable Path tokenFile,
      RateLimiter runLimiter,
      @Nullable BundleSource bundles,
      Supplier<List<String>> downWatches,
      Clock clock) {
    public Options {
      Objects.requireNonNull(daemon, "daemon");
      Objects.requireNonNull(metrics, "metrics");
      rules = List.copyOf(rules);
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(runLimiter, "runLimiter");
      Objects.requireNonNull(downWatches, "downWatches");
      Objects.requireNonNull(clock, "clock");
    }

    /** The default limit: 3 runs at once, then one every 20 seconds. */
    public static RateLimiter defaultLimiter(Clock clock) {
      return new RateLimiter(3, Duration.ofSeconds(20), clock);
    }
  }

  /** Builds the server; nothing listens until {@link #start}. */
  public static ReportServer create(Options options) {
    ReportHandlers handlers = new ReportHandlers(options);
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
    threads.setName("pulldoctor-http");
    new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(options.metrics().registry());
    Javalin app =
        Javalin.create(
            config -> {
              config.jetty.threadPool = threads;
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.http.generateEtags = false;
              config.router.ignoreTrailingSlashes = true;
              config.jetty.modifyHttpConfiguration(
                  http ->
                      http.addCustomizer(
                          (request, responseHeaders) -> {
                            HttpGuards.SECURITY_HEADERS.forEach(responseHeaders::put);
                            return request;
                          }));
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new HttpGuards.PlainErrors()));
              config.jetty.modifyServletContextHandler(
                  context -> context.setErrorHandler(new HttpGuards.PlainErrors()));
              config.routes.before(HttpGuards::securityHeaders);
              config.routes.before(HttpGuards::capBody);
              config.routes.get("/", handlers::page);
              config.routes.get("/rules", handlers::rulesPage);
              config.routes.get("/api/v1/report", handlers::report);
              config.routes.get("/api/v1/rules", handlers::rules);
              config.routes.post("/api/v1/run", handlers::run);
              config.routes.get("/api/v1/bundle", handlers::bundle);
              config.routes.get("/healthz", handlers::healthz);
              config.routes.get("/readyz", handlers::readyz);
              config.routes.get("/metrics", handlers::metrics);
              config.routes.error(404, ctx -> ctx.contentType(TEXT).result("not found\n"));
              config.routes.error(405, ctx -> ctx.contentType(TEXT).result("method not allowed\n"));
              config.routes.exception(
                  HttpGuards.BodyTooLarge.class,
                  (e, ctx) ->
                      ctx.status(413)
                          .header("Connection", "close")
                          .contentType(TEXT)
                          .result(
                              "request body too large (at most "
                                  + MAX_REQUEST_BYTES
                                  + " bytes)\n"));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    // The type only: exception texts can quote cluster input.
                    logger.error(
                        "{} {} failed: {}", ctx.method(), ctx.path(), e.getClass().getName());
                    ctx.status(500).contentType(TEXT).result("internal error\n");
                  });
            });
    return new ReportServer(app);
  }

  /** Listens on {@code host:port}; port 0 picks a free port (see {@link #port}). */
  public ReportServer start(String host, int port) {
    try {
      app.start(host, port);
    } catch (JavalinBindException e) {
      stopQuietly();
      BindException bind = bindCause(e);
      // The OS's words ("Address already in use", "Cannot assign requested address") quote no
      // input.
      String reason = bind == null ? "cannot bind" : String.valueOf(bind.getMessage());
      throw new ListenException(
          "cannot listen on " + host + ":" + port + ": " + reason,
          reason.toLowerCase(Locale.ROOT).contains("in use"),
          e);
    }
    return this;
  }

  /** Frees the threads a failed start made; the bind failure is what the caller must hear of. */
  private void stopQuietly() {
    try {
      app.stop();
    } catch (RuntimeException e) {
      logger.debug("stopping after a failed start: {}", e.getClass().getName());
    }
  }

  private static @Nullable BindException bindCause(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException bind) {
        return bind;
      }
    }
    return null;
  }

  public int port() {
    return app.port();
  }

  /** Stops accepting connections and finishes the requests in progress. */
  public void stop() {
    app.stop();
  }
}
