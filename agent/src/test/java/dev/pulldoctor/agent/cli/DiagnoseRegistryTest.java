package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.probe.ProbeSetup;
import dev.pulldoctor.agent.probe.Proxies;
import dev.pulldoctor.agent.probe.RealRegistries;
import dev.pulldoctor.agent.probe.RecordingConnector;
import dev.pulldoctor.agent.probe.StubResolver;
import dev.pulldoctor.agent.probe.TlsSupport;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the registry rules: {@code diagnose --image 127.0.0.1:PORT/team/...
 * --probe-allow 127.0.0.0/8 --manifests ...} against the real registry gives pass for the four
 * registry rules when all is right, and the expected fail with its cause for each fault.
 */
@ExtendWith(ProcessLeakCheck.class)
class DiagnoseRegistryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REGISTRY_RULES =
      List.of(
          "registry.reachable",
          "pullsecret.credentials",
          "registry.image-exists",
          "registry.platform");
  private static RealRegistries registries;

  @TempDir Path dir;
  private final RecordingConnector connector = new RecordingConnector();

  @BeforeAll
  static void start() throws Exception {
    registries = RealRegistries.get();
  }

  @BeforeEach
  void setUp() throws Exception {
    useTls(registries.tls());
  }

  @AfterEach
  void tearDown() {
    ProbeOptions.testSetup = null;
    assertThat(connector.violations()).isEmpty();
  }

  @Test
  void all_four_registry_rules_pass_when_all_is_right() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    Map<String, JsonNode> results = diagnose(registries.basicHost() + "/team/source-x:1.0");

    assertThat(statuses(results))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "registry.reachable", "pass",
                "pullsecret.credentials", "pass",
                "registry.image-exists", "pass",
                "registry.platform", "pass"));
    assertThat(results.get("pullsecret.credentials").path("message").asText())
        .contains("accepts the credentials of Secret regcred");
    assertThat(
            results
                .get("registry.reachable")
                .path("evidence")
                .path("certificate")
                .path("issuer")
                .asText())
        .isEqualTo("CN=pulldoctor test CA");
  }

  @Test
  void token_auth_registry_passes_too() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    Map<String, JsonNode> results = diagnose(registries.tokenHost() + "/team/source-x:1.0");

    assertThat(statuses(results).values()).containsOnly("pass");
  }

  @Test
  void wrong_password_fails_the_credentials_with_cause_auth() throws Exception {
    writeInstall(RealRegistries.USER, "not-the-password", "amd64");

    Map<String, JsonNode> results = diagnose(registries.basicHost() + "/team/source-x:1.0");

    JsonNode credentials = results.get("pullsecret.credentials");
    assertThat(credentials.path("status").asText()).isEqualTo("fail");
    assertThat(credentials.path("evidence").path("cause").asText()).isEqualTo("auth");
    assertThat(credentials.path("message").asText()).contains("UNAUTHORIZED");
    assertThat(credentials.path("remediation").asText())
        .contains(
            "kubectl create secret docker-registry regcred --docker-server="
                + registries.basicHost());
    assertThat(results.get("registry.reachable").path("status").asText()).isEqualTo("pass");
    assertThat(results.get("registry.image-exists").path("status").asText()).isEqualTo("skip");
  }

  @Test
  void missing_tag_fails_image_exists_with_cause_not_found() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    Map<String, JsonNode> results = diagnose(registries.basicHost() + "/team/source-x:2.0");

    JsonNode exists = results.get("registry.image-exists");
    assertThat(exists.path("status").asText()).isEqualTo("fail");
    assertThat(exists.path("evidence").path("cause").asText()).isEqualTo("not_found");
    assertThat(exists.path("message").asText()).contains("has no tag 2.0").contains("1.0");
  }

  @Test
  void arm64_only_image_on_amd64_nodes_fails_the_platform_rule() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    Map<String, JsonNode> results = diagnose(registries.basicHost() + "/team/source-arm:1.0");

    JsonNode platform = results.get("registry.platform");
    assertThat(platform.path("status").asText()).isEqualTo("fail");
    assertThat(platform.path("evidence").path("cause").asText()).isEqualTo("platform");
    assertThat(platform.path("message").asText()).contains("linux/arm64 only");
    assertThat(
            diagnose(registries.basicHost() + "/team/source-multi:1.0")
                .get("registry.platform")
                .path("status")
                .asText())
        .isEqualTo("pass");
  }

  @Test
  void untrusted_certificate_fails_reachability_with_cause_tls() throws Exception {
    useTls(RealRegistries.untrustingTls());
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    Map<String, JsonNode> results = diagnose(registries.basicHost() + "/team/source-x:1.0");

    JsonNode reachable = results.get("registry.reachable");
    assertThat(reachable.path("status").asText()).isEqualTo("fail");
    assertThat(reachable.path("evidence").path("cause").asText()).isEqualTo("tls");
    assertThat(reachable.path("evidence").path("certificate").path("subject").asText())
        .isEqualTo("CN=127.0.0.1");
    assertThat(results.get("pullsecret.credentials").path("status").asText()).isEqualTo("skip");
  }

  @Test
  void closed_port_fails_reachability_with_cause_network_refused() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    Map<String, JsonNode> results = diagnose("127.0.0.1:" + port + "/team/source-x:1.0");

    assertThat(results.get("registry.reachable").path("evidence").path("cause").asText())
        .isEqualTo("network_refused");
  }

  @Test
  void loopback_is_not_probed_without_probe_allow_and_offline_probes_nothing() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");
    String image = registries.basicHost() + "/team/source-x:1.0";

    Map<String, JsonNode> refused = run("--manifests", dir.toString(), "--image", image);
    Map<String, JsonNode> offline =
        run(
            "--manifests",
            dir.toString(),
            "--image",
            image,
            "--probe-allow",
            "127.0.0.0/8",
            "--offline");

    assertThat(refused.get("registry.reachable").path("status").asText()).isEqualTo("skip");
    assertThat(refused.get("registry.reachable").path("remediation").asText())
        .contains("--probe-allow 127.0.0.0/8");
    assertThat(statuses(offline).values()).containsOnly("skip");
    assertThat(offline.get("registry.platform").path("message").asText()).contains("--offline");
    assertThat(connector.attempts()).isEmpty();
  }

  @Test
  void active_pull_needs_a_live_cluster() throws Exception {
    writeInstall(RealRegistries.USER, RealRegistries.PASSWORD, "amd64");

    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            dir.toString(),
            "--image",
            registries.basicHost() + "/team/source-x:1.0",
            "--offline",
            "--active-pull",
            "-o",
            "json");

    assertThat(run.err()).contains("--active-pull needs a live cluster; ignored with --manifests");
    assertThat(run.out()).contains("no active pull test was made");
  }

  @Test
  void bad_probe_options_are_usage_errors() {
    CliRun badAllow =
        CliRun.of("diagnose", "--manifests", dir.toString(), "--probe-allow", "not a range");
    CliRun badInsecure =
        CliRun.of("diagnose", "--manifests", dir.toString(), "--insecure-registry", "http://x/");

    assertThat(badAllow.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badAllow.err()).contains("--probe-allow");
    assertThat(badInsecure.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badInsecure.err()).contains("--insecure-registry takes HOST or HOST:PORT");
  }

  private void useTls(TlsSupport tls) {
    ProbeOptions.testSetup = new ProbeSetup(StubResolver.empty(), connector, tls, Proxies.none());
  }

  private Map<String, JsonNode> diagnose(String image) throws Exception {
    return run(
        "--manifests",
        dir.toString(),
        "--image",
        image,
        "--probe-allow",
        "127.0.0.0/8",
        "--probe-allow",
        registries.tokenRealmAuthority());
  }

  private static Map<String, JsonNode> run(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("diagnose", "-o", "json"));
    all.addAll(List.of(args));
    CliRun run = CliRun.of(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isIn(ExitCodes.OK, ExitCodes.FINDINGS);
    Map<String, JsonNode> byRule = new TreeMap<>();
    for (JsonNode result : JSON.readTree(run.out()).path("results")) {
      if (REGISTRY_RULES.contains(result.path("rule").asText())) {
        byRule.put(result.path("rule").asText(), result);
      }
    }
    assertThat(byRule.keySet()).containsExactlyInAnyOrderElementsOf(REGISTRY_RULES);
    return byRule;
  }

  private static Map<String, String> statuses(Map<String, JsonNode> results) {
    Map<String, String> out = new TreeMap<>();
    results.forEach((rule, result) -> out.put(rule, result.path("status").asText()));
    return out;
  }

  /** The healthy example's Airbyte install, with regcred for the local registries and nodes. */
  private void writeInstall(String user, String password, String architecture) throws Exception {
    Path example = CliRun.EXAMPLES.resolve("healthy-private-registry");
    for (String file :
        List.of("configmaps.yaml", "deployments.yaml", "serviceaccounts.yaml", "rbac.yaml")) {
      Files.copy(example.resolve(file), dir.resolve(file));
    }
    StringBuilder auths = new StringBuilder();
    for (String host : List.of(registries.basicHost(), registries.tokenHost())) {
      auths
          .append(auths.length() == 0 ? "" : ",")
          .append('"')
          .append(host)
          .append("\":{\"auth\":\"")
          .append(b64(user + ":" + password))
          .append("\"}");
    }
    Files.writeString(
        dir.resolve("secrets.yaml"),
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: regcred, namespace: airbyte}
        type: kubernetes.io/dockerconfigjson
        data:
          .dockerconfigjson: %s
        """
            .formatted(b64("{\"auths\":{" + auths + "}}")),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("nodes.yaml"),
        """
        apiVersion: v1
        kind: Node
        metadata:
          name: worker-1
          labels: {kubernetes.io/arch: %1$s, kubernetes.io/os: linux}
        status:
          nodeInfo: {architecture: %1$s, operatingSystem: linux, kubeletVersion: v1.31.4,
            containerRuntimeVersion: containerd://1.7.23, osImage: Ubuntu 24.04,
            kernelVersion: 6.8.0, machineID: m1, systemUUID: s1, bootID: b1, kubeProxyVersion: v1.31.4}
        """
            .formatted(architecture),
        StandardCharsets.UTF_8);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
