package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.http.RateLimiter;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Rule;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pulldoctor serve} against fabric8's mock API server, over real HTTP. */
class ServeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void serves_the_report_rules_metrics_health_and_readiness() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);

      HttpResponse<String> page = daemon.get("/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertSecurityHeaders(page);
      assertThat(page.body())
          .contains("<h1>pulldoctor report</h1>", "Needs attention (", "Job namespace")
          .doesNotContain("<script");

      JsonNode report = daemon.report();
      assertThat(report.path("apiVersion").asText()).isEqualTo("pulldoctor/v1");
      assertThat(report.path("source").path("namespace").asText()).isEqualTo("airbyte");
      assertThat(report.path("daemon").path("stale").asBoolean()).isFalse();
      for (Rule rule : Rules.all()) {
        assertThat(RunningDaemon.status(report, rule.info().id()))
            .as("a result of %s", rule.info().id())
            .isNotNull();
      }

      JsonNode rules = MAPPER.readTree(daemon.get("/api/v1/rules").body());
      assertThat(rules.size()).isEqualTo(Rules.all().size());
      assertThat(rules.get(0).path("remediation").asText()).isNotBlank();
      assertThat(daemon.get("/rules").body()).contains("id=\"pullsecret.exists\"");

      HttpResponse<String> metrics = daemon.get("/metrics");
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      for (Rule rule : Rules.all()) {
        assertThat(metrics.body()).contains("rule=\"" + rule.info().id() + "\"");
      }
      assertThat(metrics.body())
          .contains(
              "pulldoctor_build_info{version=",
              "pulldoctor_runs_total{outcome=\"success\"} 1",
              "pulldoctor_report_stale 0",
              "pulldoctor_image_pull_failures{cause=\"auth\",namespace=\"airbyte\"} 0",
              "process_cpu_seconds_total",
              "jvm_compilation_time_seconds_total",
              "jetty_threads_config_max 8.0")
          .doesNotContain("_ms_total", "_ns_total", "system_cpu_count");

      assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> missing = daemon.get("/no-such-page");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertSecurityHeaders(missing);
    }
  }

  @Test
  void a_removed_role_binding_shows_in_the_report_within_3_seconds() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      assertThat(RunningDaemon.status(daemon.report(), "rbac.job-launcher")).isEqualTo("pass");
      // The watches start after the first report names what to watch.
      daemon.awaitWatching(WAIT);

      long start = System.nanoTime();
      api.client
          .rbac()
          .roleBindings()
          .inNamespace("airbyte")
          .withName("airbyte-admin-binding")
          .delete();

      // No periodic run for 10 min: only the RoleBinding watch can trigger this one.
      daemon.awaitReport(
          r -> "fail".equals(RunningDaemon.status(r, "rbac.job-launcher")), Duration.ofSeconds(3));
      System.out.printf(
          "RoleBinding deleted to report: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
  }

  @Test
  void the_pages_show_fingerprints_but_no_registry_usernames() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      String page = daemon.get("/").body();
      String json = daemon.get("/api/v1/report").body();
      // The secret regcred was created with --docker-username='robot$data-team+airbyte'.
      assertThat(page + json).doesNotContain("robot$data-team", "example-password-not-real");
      assertThat(page).contains("user &#39;&lt;username&gt;&#39;", "passwordFingerprints");
      assertThat(json).contains("user '<username>'", "\"passwordFingerprints\"");
    }
  }

  @Test
  void a_new_pull_secret_shows_in_the_report_within_seconds() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("abctl-missing-pull-secret"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
      JsonNode before =
          daemon.awaitReport(
              r -> "fail".equals(RunningDaemon.status(r, "pullsecret.exists")), WAIT);
      assertThat(before.path("airbyte").path("pullSecrets").toString()).contains("ghcr-creds");
      daemon.awaitWatching(WAIT);

      // The fix of the example's README: create the secret under the name Airbyte references.
      Secret existing =
          api.client.secrets().inNamespace("airbyte-abctl").withName("ghcr-cred").get();
      Instant created = Instant.now();
      api.client
          .resource(
              new SecretBuilder()
                  .withMetadata(
                      new ObjectMetaBuilder()
                          .withName("ghcr-creds")
                          .withNamespace("airbyte-abctl")
                          .build())
                  .withType(existing.getType())
                  .withData(existing.getData())
                  .build())
          .create();

      JsonNode after =
          daemon.awaitReport(
              r -> "pass".equals(RunningDaemon.status(r, "pullsecret.exists")),
              Duration.ofSeconds(10));
      assertThat(Instant.parse(after.path("generatedAt").asText())).isAfter(created);
      assertThat(Duration.between(created, Instant.now())).isLessThan(Duration.ofSeconds(10));

      // A new pull failure of a job pod triggers a run too.
      String generated = after.path("generatedAt").asText();
      String pod = "source-orders-spec-61ade0a7-c731-485e-bafe-13cdc57bef7a-0-lxkjf";
      api.client
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(pod + ".18e96f0000000001")
                  .withNamespace("airbyte-abctl")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("Pod")
                  .withName(pod)
                  .withNamespace("airbyte-abctl")
                  .endInvolvedObject()
                  .withReason("Failed")
                  .withType("Warning")
                  .withMessage("Error: ErrImagePull")
                  .build())
          .create();
      daemon.awaitReport(
          r -> !r.path("generatedAt").asText().equals(generated), Duration.ofSeconds(10));
    }
  }

  @Test
  void post_run_needs_the_token_and_is_rate_limited() throws Exception {
    RateLimiter limiter = new RateLimiter(2, Duration.ofHours(1), Clock.systemUTC());
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(
                api,
                dir,
                RunningDaemon.quick(Duration.ofMinutes(10)),
                List.of(),
                "airbyte",
                limiter)) {
      daemon.awaitReady(200, WAIT);
      String generated = daemon.report().path("generatedAt").asText();

      HttpResponse<String> anonymous = Http.post(daemon.url("/api/v1/run"), "");
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

      HttpResponse<String> accepted =
          Http.post(daemon.url("/api/v1/run"), "Bearer " + RunningDaemon.TOKEN);
      assertThat(accepted.statusCode()).isEqualTo(202);
      daemon.awaitReport(r -> !r.path("generatedAt").asText().equals(generated), WAIT);
      // The anonymous call cost nothing: the owner has a second call.
      assertThat(Http.post(daemon.url("/api/v1/run"), "Bearer " + RunningDaemon.TOKEN).statusCode())
          .isEqualTo(202);

      HttpResponse<String> limited =
          Http.post(daemon.url("/api/v1/run"), "Bearer " + RunningDaemon.TOKEN);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertThat(daemon.get("/api/v1/run").statusCode()).isIn(404, 405);
    }
  }

  @Test
  void serve_runs_until_stopped_and_binds_loopback() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"))) {
      Path kubeconfig = api.kubeconfig(dir);
      AtomicReference<DaemonApp> running = new AtomicReference<>();
      ServeCommand serve = new ServeCommand(false, running::set);
      StringWriter err = new StringWriter();
      CommandLine command = new CommandLine(serve).setErr(new PrintWriter(err, true));
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () ->
                  command.execute(
                      "--kubeconfig", kubeconfig.toString(), "--port", "0", "--offline"));
      Waits.await("serve started").atMost(WAIT).until(() -> running.get() != null || exit.isDone());
      DaemonApp app = Objects.requireNonNull(running.get(), err::toString);
      assertThat(err.toString()).contains("serving on http://127.0.0.1:" + app.port() + "/");
      assertThat(Http.get("http://127.0.0.1:" + app.port() + "/healthz").statusCode())
          .isEqualTo(200);

      serve.shutdown();
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void bad_serve_options_are_usage_errors() {
    CliRun interval = CliRun.of("serve", "--interval", "soon");
    assertThat(interval.exitCode()).isEqualTo(2);
    assertThat(interval.err()).contains("'soon' is not a duration such as 30s, 5m or 1h");

    CliRun token = CliRun.of("serve", "--token-file", dir.resolve("missing").toString());
    assertThat(token.exitCode()).isEqualTo(2);
    assertThat(token.err()).contains("--token-file: cannot read");

    CliRun help = CliRun.of("serve", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--bind", "POST /api/v1/run", "--token-file");
  }

  private static void assertSecurityHeaders(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .startsWith("default-src 'none'")
                    .contains("style-src 'sha256-", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "script-src"));
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(response.headers().firstValue("Server")).isEmpty();
  }
}
