package dev.pulldoctor.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.probe.ProbeSetup;
import dev.pulldoctor.agent.probe.RealRegistries;
import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Secret values never reach stdout or stderr, in any output format and at any log level, whether
 * the secrets are well-formed or broken in ways that make parsers quote their input
 * (reliability-security-perf.md §8.3, CVE-2020-8564).
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(ProcessLeakCheck.class)
class CanaryLeakIT {
  private static final String CANARY = "c4n4ry-P4ss-9f1e";
  private static final String USER = "robot$acme";
  private static final Duration LOG_POLL = Duration.ofMillis(200);

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  /** Every form in which the canary could leak: plain, and base64 of the payloads holding it. */
  private static List<String> forbidden() {
    List<String> forms = new ArrayList<>();
    forms.add(CANARY);
    // Jackson quotes a bad token only up to the first '-', so look for each part too.
    forms.addAll(List.of("c4n4ry", "P4ss", "9f1e"));
    forms.add(b64(CANARY));
    forms.add(b64(USER + ":" + CANARY));
    forms.add(b64(CANARY).substring(0, 12));
    forms.add(b64(USER + ":" + CANARY).substring(4, 20));
    return forms;
  }

  @BeforeEach
  void writeManifests() throws IOException {
    Path healthy = Path.of("..", "examples", "healthy-private-registry");
    try (Stream<Path> files = Files.list(healthy)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(
            dir.resolve(file.getFileName()),
            text.replace(
                "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET: regcred",
                "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET: "
                    + "regcred,canary-valid,canary-broken-json,canary-auth-not-base64,"
                    + "canary-auth-no-colon,canary-mismatch,canary-opaque,canary-bad-data,"
                    + "canary-string-data,canary-dockercfg-truncated"),
            StandardCharsets.UTF_8);
      }
    }
    Files.writeString(dir.resolve("canary-secrets.yaml"), canarySecrets(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "table,debug",
    "json,debug",
    "yaml,debug",
    "markdown,debug",
    "sarif,debug",
    "junit,debug",
    "table,trace",
    "json,trace"
  })
  void offline_diagnosis_never_prints_a_secret(String format, String logLevel) throws Exception {
    Output output =
        runPulldoctor(
            "diagnose",
            "--manifests",
            dir.toString(),
            "--image",
            "registry.example.com/data-team/source-acme:1.2.0",
            "--offline",
            "-o",
            format,
            "--log-level",
            logLevel);

    assertThat(output.exitCode()).as(output.err()).isEqualTo(1);
    assertThat(output.out()).contains("canary-broken-json");
    assertNoCanary(output);
  }

  @Test
  void live_diagnosis_never_prints_or_logs_a_secret() throws Exception {
    Path kubeconfig = seedMockCluster();

    for (String format : List.of("table", "json", "yaml")) {
      Output output =
          runPulldoctor(
              "diagnose",
              "--kubeconfig",
              kubeconfig.toString(),
              "-n",
              "airbyte",
              "-o",
              format,
              "--log-level",
              "trace");

      assertThat(output.exitCode()).as(output.err()).isEqualTo(1);
      assertThat(output.err()).contains("DEBUG");
      assertNoCanary(output);
    }
  }

  /**
   * The daemon keeps the cluster in its informers' caches and reads the canary secrets from their
   * watches, including a rotation of one: at TRACE, neither its log, its report nor its metrics
   * hold any form of the canary.
   */
  @Test
  void serve_at_trace_never_logs_or_serves_a_secret_from_its_caches() throws Exception {
    Path kubeconfig = seedMockCluster();
    Path out = Files.createTempFile(dir, "serve-out", ".txt");
    Path err = Files.createTempFile(dir, "serve-err", ".txt");
    Process serve =
        pulldoctorJvm(
                List.of(),
                "serve",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                "airbyte",
                "--offline",
                "--port",
                "0",
                "--interval",
                "2s",
                "--log-level",
                "trace")
            .builder()
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    StringBuilder served = new StringBuilder();
    try {
      String log = awaitLog(err, "watching ", Duration.ofSeconds(60));
      Matcher port = Pattern.compile("serving on http://[^:]+:(\\d+)/").matcher(log);
      assertThat(port.find()).as(log).isTrue();
      // A rotation arrives by watch, with its data.
      client
          .secrets()
          .inNamespace("airbyte")
          .withName("canary-valid")
          .edit(
              secret -> {
                secret.getData().put(".dockerconfigjson", b64(validConfig(CANARY + "-2")));
                return secret;
              });
      int runs = countRuns(Files.readString(err, StandardCharsets.UTF_8));
      Waits.await("three more runs")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(LOG_POLL)
          .until(() -> countRuns(Files.readString(err, StandardCharsets.UTF_8)) >= runs + 3);
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/api/v1/report", "/metrics", "/")) {
        served.append(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + path))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
      }
    } finally {
      serve.destroy();
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stopped").isTrue();
    }
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(log).contains("TRACE", "watching ");
    assertThat(served.toString()).contains("canary-valid");
    assertNoCanary(new Output(0, served + Files.readString(out, StandardCharsets.UTF_8), log));
  }

  private static int countRuns(String log) {
    return log.split("done in ", -1).length - 1;
  }

  private static String awaitLog(Path err, String text, Duration timeout) throws IOException {
    Waits.await("'" + text + "' in the log")
        .atMost(timeout)
        .pollInterval(LOG_POLL)
        .untilAsserted(
            () -> assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains(text));
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Creates the manifests' objects in the mock API; returns a kubeconfig for it. */
  private Path seedMockCluster() throws Exception {
    MockClusters.seedFrom(client, List.of(dir));
    return Kubeconfig.of(client).namespace("airbyte").writeTo(dir.resolve("kubeconfig"));
  }

  /**
   * The registry probe holds the real credentials for a moment: with canary credentials the local
   * registry accepts, and with the canary as a wrong password, nothing of it may be printed.
   */
  @ParameterizedTest
  @CsvSource({"robot$acme,table", "robot,json"})
  void registry_probe_with_canary_credentials_never_prints_them(String user, String format)
      throws Exception {
    RealRegistries registries = RealRegistries.get();
    Path install = dir.resolve("probe-" + user.replace('$', '-') + "-" + format);
    Files.createDirectories(install);
    Path healthy = Path.of("..", "examples", "healthy-private-registry");
    for (String file : List.of("configmaps.yaml", "deployments.yaml", "serviceaccounts.yaml")) {
      Files.copy(healthy.resolve(file), install.resolve(file));
    }
    String payload =
        "{\"auths\":{\"%s\":{\"username\":\"%s\",\"password\":\"%s\",\"auth\":\"%s\"}}}"
            .formatted(
                registries.basicHost(),
                user,
                RealRegistries.CANARY_PASSWORD,
                b64(user + ":" + RealRegistries.CANARY_PASSWORD));
    Files.writeString(
        install.resolve("secrets.yaml"),
        secret("regcred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", b64(payload)),
        StandardCharsets.UTF_8);

    Output output =
        runPulldoctor(
            List.of(
                "-Djavax.net.ssl.trustStore=" + registries.trustStoreFile(),
                "-Djavax.net.ssl.trustStorePassword=changeit"),
            "diagnose",
            "--manifests",
            install.toString(),
            "--image",
            registries.basicHost() + "/team/source-x:1.0",
            "--probe-allow",
            "127.0.0.0/8",
            "-o",
            format,
            "--show-all",
            "--log-level",
            "trace");

    assertThat(output.exitCode()).as(output.err()).isIn(0, 1);
    // The table wraps its prose to the terminal: a phrase may span lines.
    assertThat(output.out().replaceAll("\\s+", " "))
        .contains(
            user.equals("robot")
                ? "rejects the credentials of Secret regcred"
                : "accepts the credentials of Secret regcred");
    assertNoCanary(output);
  }

  private static void assertNoCanary(Output output) {
    for (String form : forbidden()) {
      assertThat(output.out()).as("stdout").doesNotContain(form);
      assertThat(output.err()).as("stderr").doesNotContain(form);
    }
  }

  record Output(int exitCode, String out, String err) {}

  /** Runs the CLI in a new JVM, so that logging is configured exactly as for a user. */
  private Output runPulldoctor(String... args) throws Exception {
    return runPulldoctor(List.of(), args);
  }

  /** pulldoctor in a new JVM, its registry probes kept to loopback (the test registries). */
  private static ChildJvm pulldoctorJvm(List<String> jvmOptions, String... args) {
    return ChildJvm.pulldoctor(args)
        .jvmOptions(jvmOptions)
        .jvmOptions("-D" + ProbeSetup.LOOPBACK_ONLY + "=true");
  }

  private Output runPulldoctor(List<String> jvmOptions, String... args) throws Exception {
    ChildJvm.Result run = pulldoctorJvm(jvmOptions, args).run(dir, Duration.ofSeconds(60));
    return new Output(run.exitCode(), run.out(), run.err());
  }

  private static String validConfig(String password) {
    return "{\"auths\":{\"registry.example.com\":{\"username\":\"%s\",\"password\":\"%s\",\"auth\":\"%s\"}}}"
        .formatted(USER, password, b64(USER + ":" + password));
  }

  private static String canarySecrets() {
    String valid = validConfig(CANARY);
    String brokenJson = "{\"auths\":{\"registry.example.com\":{\"password\":\"" + CANARY + "\",}}";
    String authNotBase64 = "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + CANARY + "!!\"}}}";
    String authNoColon =
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + b64(CANARY) + "\"}}}";
    String mismatch =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"other\",\"password\":\"x\",\"auth\":\"%s\"}}}"
            .formatted(b64(USER + ":" + CANARY));
    String dockercfgTruncated = "{\"registry.example.com\":{\"auth\":\"" + b64(USER + ":" + CANARY);
    return String.join(
        "\n---\n",
        secret("canary-valid", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", b64(valid)),
        secret(
            "canary-broken-json",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            b64(brokenJson)),
        secret(
            "canary-auth-not-base64",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            b64(authNotBase64)),
        secret(
            "canary-auth-no-colon",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            b64(authNoColon)),
        secret(
            "canary-mismatch",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            b64(mismatch)),
        secret("canary-opaque", "Opaque", ".dockerconfigjson", b64(valid)),
        secret(
            "canary-bad-data",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            "{not base64 " + CANARY + "}"),
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: canary-string-data, namespace: airbyte}
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '%s'
        """
            .formatted(brokenJson.replace("'", "''")),
        secret(
            "canary-dockercfg-truncated",
            "kubernetes.io/dockercfg",
            ".dockercfg",
            b64(dockercfgTruncated)),
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: airbyte-db-password, namespace: airbyte}
        type: Opaque
        data:
          DATABASE_PASSWORD: %s
        """
            .formatted(b64(CANARY)));
  }

  private static String secret(String name, String type, String key, String value) {
    return """
    apiVersion: v1
    kind: Secret
    metadata: {name: %s, namespace: airbyte}
    type: %s
    data:
      %s: '%s'
    """
        .formatted(name, type, key, value);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
