package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import dev.pulldoctor.agent.cli.Main;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * End to end on a real cluster: k3s in a container (Testcontainers), a minimal Airbyte-shaped
 * namespace with a broken pull-secret setup, {@code pulldoctor diagnose} against it, then the Helm
 * chart installed with the image this build made, in a namespace that enforces Pod Security
 * "restricted", until the agent is ready and its metrics show the failing check.
 *
 * <p>Run with {@code mvn -Pimage,k3s verify} (the image tarball comes from {@code -Pimage}); it
 * needs a Docker engine and pulls {@code rancher/k3s}, and is skipped without one. These build
 * machines have no Docker engine, so it is compiled in every build but runs only where Docker does.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sEndToEndIT {
  private static final String K3S = "rancher/k3s:v1.31.5-k3s1";
  private static final Path IMAGE_TAR =
      Path.of(System.getProperty("pulldoctor.image.tar", "target/pulldoctor-image.tar"));
  private static final String IMAGE =
      System.getProperty("pulldoctor.image.name", "pulldoctor:0.1.0-SNAPSHOT");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Container
  static final K3sContainer K3S_CONTAINER =
      new K3sContainer(DockerImageName.parse(K3S))
          .withCopyFileToContainer(
              MountableFile.forHostPath(IMAGE_TAR), "/tmp/pulldoctor-image.tar");

  private static KubernetesClient client;
  private static Path kubeconfig;

  @BeforeAll
  static void setUp(@TempDir Path dir) throws Exception {
    // The image from this build, into containerd's Kubernetes namespace under the name the chart
    // asks for (pullPolicy Never: nothing is pulled).
    exec("ctr", "-n", "k8s.io", "images", "import", "/tmp/pulldoctor-image.tar");
    String reference = "docker.io/library/" + IMAGE;
    if (!exec("ctr", "-n", "k8s.io", "images", "ls", "-q").contains(reference)) {
      exec("ctr", "-n", "k8s.io", "images", "tag", IMAGE, reference);
    }
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, K3S_CONTAINER.getKubeConfigYaml(), StandardCharsets.UTF_8);
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(K3S_CONTAINER.getKubeConfigYaml()))
            .build();
    for (String namespace : new String[] {"airbyte", "pulldoctor"}) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    try (InputStream airbyte = K3sEndToEndIT.class.getResourceAsStream("/k3s/airbyte.yaml")) {
      client.load(Objects.requireNonNull(airbyte)).create();
    }
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void diagnose_names_the_missing_pull_secret_and_the_failing_pull() throws Exception {
    awaitPullFailure();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "diagnose",
            "--kubeconfig",
            kubeconfig.toString(),
            "-n",
            "airbyte",
            "--offline",
            "-o",
            "json");

    assertThat(exit).as("stderr: %s", err).isEqualTo(1);
    JsonNode report = JSON.readTree(out.toString());
    assertThat(report.at("/airbyte/launcher").asText()).isEqualTo("airbyte-workload-launcher");
    assertThat(result(report, "pullsecret.exists", "fail").get("message").asText())
        .contains("Secret 'regcred'")
        .contains("Did you mean 'regcreds'?");
    assertThat(result(report, "launcher.pull-secret-env", "pass")).isNotNull();
    assertThat(result(report, "events.pull-failures", "fail").get("image").asText())
        .isEqualTo("registry.invalid/data-team/source-acme:1.2.0");
  }

  @Test
  void the_chart_runs_the_agent_under_restricted_pod_security_and_its_metrics_show_results()
      throws Exception {
    client
        .namespaces()
        .withName("pulldoctor")
        .edit(
            ns -> {
              ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return ns;
            });
    int slash = IMAGE.lastIndexOf(':');

    new Helm(Chart.DIR)
        .install()
        .withName("pd")
        .withNamespace("pulldoctor")
        .withKubeConfigContents(K3S_CONTAINER.getKubeConfigYaml())
        .set("airbyte.namespace", "airbyte")
        .set("image.repository", IMAGE.substring(0, slash))
        .set("image.tag", IMAGE.substring(slash + 1))
        .set("image.pullPolicy", "Never")
        .set("offline", "true")
        .waitReady()
        .withTimeout(300)
        .call();

    Deployment agent =
        client
            .apps()
            .deployments()
            .inNamespace("pulldoctor")
            .withName("pd-pulldoctor")
            .waitUntilCondition(
                d -> d.getStatus() != null && Objects.equals(d.getStatus().getReadyReplicas(), 1),
                3,
                TimeUnit.MINUTES);
    assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(IMAGE);
    try (LocalPortForward forward =
        client.services().inNamespace("pulldoctor").withName("pd-pulldoctor").portForward(8080)) {
      String base = "http://127.0.0.1:" + forward.getLocalPort();
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/metrics").body())
          .contains(
              "pulldoctor_rule_results{namespace=\"airbyte\",rule=\"pullsecret.exists\","
                  + "severity=\"critical\",status=\"fail\"} 1");
    }
  }

  private static void awaitPullFailure() {
    Waits.await("the kubelet reports a pull failure for the job pod")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                client.v1().events().inNamespace("airbyte").list().getItems().stream()
                    .anyMatch(
                        e -> "Failed".equals(e.getReason()) || "BackOff".equals(e.getReason())));
  }

  private static JsonNode result(JsonNode report, String rule, String status) {
    for (JsonNode result : report.get("results")) {
      if (result.get("rule").asText().equals(rule)
          && result.get("status").asText().equals(status)) {
        return result;
      }
    }
    throw new AssertionError("no " + status + " result of " + rule + " in " + report);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String exec(String... command) throws Exception {
    ExecResult result = K3S_CONTAINER.execInContainer(command);
    assertThat(result.getExitCode())
        .as("%s: %s", String.join(" ", command), result.getStderr())
        .isZero();
    return result.getStdout();
  }
}
