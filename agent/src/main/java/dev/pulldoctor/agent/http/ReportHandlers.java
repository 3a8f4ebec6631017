package dev.pulldoctor.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.http.ReportServer.Options;
import dev.pulldoctor.agent.render.ReportTree;
import dev.pulldoctor.agent.serve.DaemonState;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleInfo;
import io.javalin.http.Context;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The {@link ReportServer}'s endpoints, one method each. */
final class ReportHandlers {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = HttpGuards.TEXT;
  private static final String HTML = "text/html; charset=utf-8";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options options;
  private final BearerToken token;
  private final FailureLimiter failures;
  // Rendered once and served as bytes: the pages change only when a run ends (or, for the
  // relative times of the HTML page, each second).
  private final byte[] rulesJson;
  private final byte[] rulesHtml;
  private final AtomicReference<Rendered> reportJson = new AtomicReference<>();
  private final AtomicReference<Rendered> reportHtml = new AtomicReference<>();

  ReportHandlers(Options options) {
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
   * the caller's address only ({@link FailureLimiter}), a right one against the limit of authorized
   * calls. So anonymous callers can neither guess fast nor use up the owner's runs. Answers the
   * request itself when it may not go on.
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
    ctx.status(alive ? 200 : 503).contentType(TEXT).result(alive ? "ok\n" : "run thread stopped\n");
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
