package dev.pulldoctor.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.metrics.Metrics;
import dev.pulldoctor.agent.render.ReportTree;
import dev.pulldoctor.agent.serve.Daemon;
import dev.pulldoctor.agent.serve.DaemonState;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
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
  private static final long MAX_REQUEST_BYTES = 4_096;
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String HTML = "text/html; charset=utf-8";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    Handlers handlers = new Handlers(options);
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
                            SECURITY_HEADERS.forEach(responseHeaders::put);
                            return request;
                          }));
              config.jetty.modifyServer(server -> server.setErrorHandler(new PlainErrors()));
              config.jetty.modifyServletContextHandler(
                  context -> context.setErrorHandler(new PlainErrors()));
              config.routes.before(ReportServer::securityHeaders);
              config.routes.before(ReportServer::capBody);
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
                  BodyTooLarge.class,
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

  /**
   * No script may run and nothing may load from elsewhere: the pages are text and one hashed style
   * block. Sent with every answer, Jetty's own errors included.
   */
  static final Map<String, String> SECURITY_HEADERS = securityHeaderValues();

  private static Map<String, String> securityHeaderValues() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(
        "Content-Security-Policy",
        "default-src 'none'; style-src "
            + ReportPage.STYLE_HASH
            + "; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    headers.put("Cache-Control", "no-store");
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Set again on the app's answers: Jetty's customizer sets them before routing, but an answer that
   * is reset (an exception after headers were set) loses them.
   */
  private static void securityHeaders(Context ctx) {
    SECURITY_HEADERS.forEach(ctx::header);
  }

  /**
   * Refuses a body past {@link #MAX_REQUEST_BYTES} with 413: no endpoint reads one, and a declared
   * length is refused before a byte of the body is read. A chunked body is read up to the cap.
   */
  private static void capBody(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_REQUEST_BYTES) {
      throw new BodyTooLarge();
    }
    if (declared < 0 && ctx.header("Transfer-Encoding") != null) {
      try (InputStream body = ctx.req().getInputStream()) {
        if (body.readNBytes((int) MAX_REQUEST_BYTES + 1).length > MAX_REQUEST_BYTES) {
          throw new BodyTooLarge();
        }
      }
    }
  }

  /** A request body over the cap; answered 413. */
  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body over " + MAX_REQUEST_BYTES + " bytes", null, false, false);
    }
  }

  /**
   * Jetty's answers to what never reaches the app (a bad request line, headers too large) and its
   * error pages: plain text with the security headers, no HTML page naming Jetty.
   */
  private static final class PlainErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status =
          request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
      HttpFields.Mutable headers = response.getHeaders();
      SECURITY_HEADERS.forEach(headers::put);
      headers.put(HttpHeader.CONTENT_TYPE, TEXT);
      response.write(true, body(status, HttpStatus.getMessage(status)), callback);
      return true;
    }

    // The status's standard words only: Jetty's reason can quote the request.
    private static ByteBuffer body(int status, String words) {
      return ByteBuffer.wrap(
          (status + " " + words.toLowerCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final class Handlers {
    private final Options options;
    private final BearerToken token;
    private final FailureLimiter failures;
    // Rendered once and served as bytes: the pages change only when a run ends (or, for the
    // relative times of the HTML page, each second).
    private final byte[] rulesJson;
    private final byte[] rulesHtml;
    private final AtomicReference<Rendered> reportJson = new AtomicReference<>();
    private final AtomicReference<Rendered> reportHtml = new AtomicReference<>();

    Handlers(Options options) {
      this.options = options;
      this.token = new BearerToken(options.tokenFile());
      this.failures = FailureLimiter.standard(options.clock());
      this.rulesJson = utf8(json(rulesTree(options.rules())));
      this.rulesHtml = utf8(ReportPage.rules(options.rules(), options.version()));
    }

    /**
     * One rendering of a page, valid while the daemon's state is the same object (it is replaced
     * whole when a run starts or ends) and {@code key} is the same.
     */
    private static final class Rendered {
      private final DaemonState state;
      private final long key;
      private final byte[] bytes;

      Rendered(DaemonState state, long key, byte[] bytes) {
        this.state = state;
        this.key = key;
        this.bytes = bytes;
      }

      // The same object, not an equal one: equals would compare whole reports on every request.
      @SuppressWarnings("ReferenceEquality")
      boolean fits(DaemonState current, long currentKey) {
        return state == current && key == currentKey;
      }
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private Instant now() {
      return options.clock().instant();
    }

    void page(Context ctx) {
      DaemonState state = options.daemon().state();
      Instant now = now();
      // The page says how long ago things happened, to the second.
      long second = now.getEpochSecond();
      Rendered cached = reportHtml.get();
      if (cached == null || !cached.fits(state, second)) {
        cached =
            new Rendered(
                state,
                second,
                utf8(ReportPage.report(state, now, options.rules(), options.version())));
        reportHtml.set(cached);
      }
      ctx.contentType(HTML).result(cached.bytes);
    }

    void rulesPage(Context ctx) {
      ctx.contentType(HTML).result(rulesHtml);
    }

    void report(Context ctx) {
      DaemonState state = options.daemon().state();
      // The daemon block's one time-dependent field is "stale"; the rest is the state's.
      long stale = state.stale(now()) ? 1 : 0;
      Rendered cached = reportJson.get();
      if (cached == null || !cached.fits(state, stale)) {
        cached = new Rendered(state, stale, utf8(reportJson(state)));
        reportJson.set(cached);
      }
      ctx.status(state.report() == null ? 503 : 200).contentType(JSON).result(cached.bytes);
    }

    private String reportJson(DaemonState state) {
      Report report = state.report();
      ObjectNode body;
      if (report == null) {
        body = MAPPER.createObjectNode();
        body.put("error", "no report yet: the first run has not finished");
      } else {
        body = ReportTree.of(report);
      }
      body.set("daemon", daemonStatus(state));
      return json(body);
    }

    /** Added to the report tree: how current it is (DESIGN: fields are only ever added). */
    private ObjectNode daemonStatus(DaemonState state) {
      ObjectNode node = MAPPER.createObjectNode();
      node.put("stale", state.stale(now()));
      node.put("running", state.running());
      if (state.lastRunAt() != null) {
        node.put("lastRunAt", String.valueOf(state.lastRunAt()));
      }
      if (state.lastSuccessAt() != null) {
        node.put("lastSuccessfulRunAt", String.valueOf(state.lastSuccessAt()));
      }
      if (state.lastError() != null) {
        node.put("lastError", state.lastError());
      }
      node.put("consecutiveFailures", state.consecutiveFailures());
      node.put("intervalSeconds", state.interval().toSeconds());
      return node;
    }

    void rules(Context ctx) {
      ctx.contentType(JSON).result(rulesJson);
    }

    private static ArrayNode rulesTree(List<RuleInfo> rules) {
      ArrayNode list = MAPPER.createArrayNode();
      for (RuleInfo rule : rules) {
        ObjectNode node = list.addObject();
        node.put("id", rule.id());
        node.put("title", rule.title());
        node.put("severity", rule.severity().word());
        node.put("explanation", rule.explanation());
        node.put("remediation", rule.remediation());
        ArrayNode references = node.putArray("references");
        rule.references().forEach(references::add);
      }
      return list;
    }

    void run(Context ctx) {
      if (!authorized(ctx, "run trigger")) {
        return;
      }
      options.daemon().requestRun();
      ctx.status(202).contentType(TEXT).result("run requested\n");
    }

    /** A fresh support bundle; made on request, so the daemon keeps no snapshot in memory. */
    void bundle(Context ctx) throws Exception {
      BundleSource bundles = options.bundles();
      if (bundles == null) {
        ctx.status(404).contentType(TEXT).result("bundles are not served by this agent\n");
        return;
      }
      if (!authorized(ctx, "bundle download")) {
        return;
      }
      BundleSource.Made made;
      try {
        made = bundles.make();
      } catch (BundleSource.Unavailable e) {
        ctx.status(503).contentType(TEXT).result("no bundle: " + e.getMessage() + "\n");
        return;
      }
      ctx.status(200)
          .contentType("application/gzip")
          .header("Content-Disposition", "attachment; filename=\"" + made.fileName() + "\"")
          .result(made.bytes());
    }

    /**
     * The bearer token first, then the limit that applies: a wrong or missing token counts against
     * the caller's address only ({@link FailureLimiter}), a right one against the limit of
     * authorized calls. So anonymous callers can neither guess fast nor use up the owner's runs.
     * Answers the request itself when it may not go on.
     */
    private boolean authorized(Context ctx, String what) {
      if (!token.configured()) {
        ctx.status(403)
            .contentType(TEXT)
            .result(what + " disabled: start 'pulldoctor serve' with --token-file\n");
        return false;
      }
      if (!token.accepts(ctx.header("Authorization"))) {
        long wait = failures.fail(ctx.ip());
        if (wait > 0) {
          tooMany(ctx, wait);
          return false;
        }
        ctx.status(401)
            .header("WWW-Authenticate", "Bearer realm=\"pulldoctor\"")
            .contentType(TEXT)
            .result("unauthorized\n");
        return false;
      }
      if (!options.runLimiter().tryAcquire()) {
        tooMany(ctx, options.runLimiter().secondsUntilNext());
        return false;
      }
      return true;
    }

    private static void tooMany(Context ctx, long retryAfterSeconds) {
      ctx.status(429)
          .header("Retry-After", Long.toString(retryAfterSeconds))
          .contentType(TEXT)
          .result("too many requests\n");
    }

    void healthz(Context ctx) {
      boolean alive = options.daemon().alive();
      ctx.status(alive ? 200 : 503)
          .contentType(TEXT)
          .result(alive ? "ok\n" : "run thread stopped\n");
    }

    void readyz(Context ctx) {
      DaemonState state = options.daemon().state();
      List<String> down = options.downWatches().get();
      if (state.ready(now()) && down.isEmpty()) {
        ctx.contentType(TEXT).result("ready\n");
        return;
      }
      if (state.ready(now())) {
        ctx.status(503)
            .contentType(TEXT)
            .result(
                "not ready: not watching "
                    + String.join(", ", down)
                    + " for changes; re-opening the watch\n");
        return;
      }
      String why =
          state.report() == null
              ? "no report yet"
              : state.lastError() != null
                  ? "the last run failed: " + state.lastError()
                  : "no successful run for two intervals";
      ctx.status(503).contentType(TEXT).result("not ready: " + why + "\n");
    }

    void metrics(Context ctx) {
      ctx.contentType(PROMETHEUS_TEXT).result(options.metrics().scrapeBytes());
    }

    private static String json(Object tree) {
      try {
        return MAPPER.writeValueAsString(tree) + "\n";
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
