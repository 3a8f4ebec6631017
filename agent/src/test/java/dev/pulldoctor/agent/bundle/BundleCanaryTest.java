package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary values planted in Secrets, ConfigMap values, env values, command flags, annotations, URLs
 * and event messages of a (mock) cluster appear nowhere in a bundle made from it, in no file and no
 * byte, nor on stdout or stderr at trace level; and each value left out is in the redaction list.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(ProcessLeakCheck.class)
class BundleCanaryTest {
  // No hex in any fragment: fingerprints and checksums must not match by chance.
  private static final String CANARY = "c4n4ry-P4ss-Zq7x";
  private static final String USER = "robot$acme";
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  /** Planted value → the redaction kind expected for it. */
  private final Map<String, String> planted = new HashMap<>();

  @Test
  void no_canary_in_any_byte_of_the_bundle_and_each_removed_value_is_listed() throws Exception {
    List<HasMetadata> objects =
        new ManifestReader()
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")))
            .objects();
    List<HasMetadata> seeded = new ArrayList<>();
    for (HasMetadata object : objects) {
      seeded.add(plant(object));
    }
    seeded.addAll(canaryObjects());
    MockClusters.seed(client, seeded);
    Path bundle = dir.resolve("bundle.tar.gz");

    Run run =
        pulldoctor(
            "bundle",
            "create",
            "--kubeconfig",
            Kubeconfig.of(client)
                .namespace("airbyte")
                .writeTo(dir.resolve("kubeconfig"))
                .toString(),
            "-n",
            "airbyte",
            "-f",
            bundle.toString(),
            "--log-level",
            "trace");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(bundle.toString());
    assertThat(run.err()).contains("DEBUG").contains("values left out");
    String everyByte =
        new String(
            BundleRoundTripTest.gunzip(Files.readAllBytes(bundle)), StandardCharsets.ISO_8859_1);
    for (String form : forbidden()) {
      assertThat(everyByte).as("bundle").doesNotContain(form);
      assertThat(run.out()).as("stdout").doesNotContain(form);
      assertThat(run.err()).as("stderr").doesNotContain(form);
    }

    Map<String, byte[]> entries = BundleRoundTripTest.entries(bundle);
    JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
    // Listed by place and kind only: a fingerprint of a removed value would let anyone test
    // guesses against it.
    Set<String> kinds = new HashSet<>();
    manifest
        .path("redactions")
        .forEach(
            r -> {
              kinds.add(r.path("kind").asText());
              assertThat(r.has("fingerprint")).as(r.toString()).isFalse();
            });
    assertThat(kinds).containsAll(planted.values());
    assertThat(manifest.path("redactions"))
        .anySatisfy(
            r -> {
              assertThat(r.path("file").asText()).isEqualTo("objects/configmaps.yaml");
              assertThat(r.path("object").asText())
                  .isEqualTo("ConfigMap airbyte/airbyte-airbyte-env");
              assertThat(r.path("path").asText()).isEqualTo("$.items[0].data.DATABASE_PASSWORD");
              assertThat(r.path("kind").asText()).isEqualTo("password");
            });
    String configMaps = new String(entries.get("objects/configmaps.yaml"), StandardCharsets.UTF_8);
    assertThat(configMaps)
        .contains("airbyte-airbyte-env")
        .doesNotContain("unrelated-settings")
        .contains("jdbc:postgresql://REDACTED@airbyte-db-svc:5432/db-airbyte")
        .contains("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET: \"regcred\"");
    assertThat(manifest.path("omitted").toString()).contains("configmaps");
    // The Helm release record was read (its allow-listed keys are kept) and nothing else of it.
    JsonNode releases = JSON.readTree(entries.get("observations.json")).path("helmReleases");
    assertThat(releases).hasSize(1);
    assertThat(releases.get(0).path("chartVersion").asText()).isEqualTo("1.8.5");
    assertThat(
            releases
                .get(0)
                .path("values")
                .path("global.jobs.kube.mainContainerImagePullSecret")
                .asText())
        .isEqualTo("regcred");
    assertThat(releases.get(0).path("values").size()).isEqualTo(1);
  }

  /** Adds canaries to the example's own objects where Airbyte installs keep such values. */
  private HasMetadata plant(HasMetadata object) {
    if (object instanceof ConfigMap c && c.getMetadata().getName().equals("airbyte-airbyte-env")) {
      c.getData().put("DATABASE_PASSWORD", value("password", CANARY + "-cm"));
      c.getData().put("AWS_SECRET_ACCESS_KEY", value("secret", CANARY + "-aws"));
      c.getData().put("SEGMENT_WRITE_KEY", value("key", CANARY + "-seg"));
      c.getData()
          .put(
              "DATABASE_URL",
              "jdbc:postgresql://"
                  + value("url-credentials", "airbyte:" + CANARY + "-url")
                  + "@airbyte-db-svc:5432/db-airbyte");
    }
    if (object instanceof Deployment d && d.getMetadata().getName().endsWith("workload-launcher")) {
      d.getMetadata()
          .getAnnotations()
          .put(
              Redactor.LAST_APPLIED,
              value(
                  "last-applied-configuration",
                  "{\"kind\":\"Deployment\",\"env\":[{\"name\":\"X\",\"value\":\""
                      + CANARY
                      + "\"}]}"));
      List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      env.add(new EnvVar("DATABASE_PASSWORD", value("password", CANARY + "-dep"), null));
      env.add(
          new EnvVar(
              "LOG_SHIPPING_ENDPOINT",
              "https://"
                  + value("url-credentials", "hook:" + CANARY + "-hook")
                  + "@logs.example.com/in",
              null));
    }
    if (object instanceof Pod p && p.getMetadata().getName().startsWith("source-acme-check")) {
      var container = p.getSpec().getContainers().get(0);
      container.getEnv().add(new EnvVar("API_TOKEN", value("token", CANARY + "-pod"), null));
      container.setArgs(
          List.of(
              "--api-key=" + value("flag-value", CANARY + "-arg"),
              "--password",
              value("flag-value", CANARY + "-arg2"),
              "--verbose"));
    }
    return object;
  }

  private List<HasMetadata> canaryObjects() throws IOException {
    String valid =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"%s\",\"password\":\"%s\",\"auth\":\"%s\"}}}"
            .formatted(USER, CANARY, b64(USER + ":" + CANARY));
    String broken = "{\"auths\":{\"registry.example.com\":{\"password\":\"" + CANARY + "\",}}";
    value("secret-data", valid);
    value("secret-data", broken);
    value("secret-data", CANARY + "-db");
    return List.of(
        new SecretBuilder()
            .withNewMetadata()
            .withName("canary-valid")
            .withNamespace("airbyte")
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", b64(valid)))
            .build(),
        new SecretBuilder()
            .withNewMetadata()
            .withName("canary-broken-json")
            .withNamespace("airbyte")
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", b64(broken)))
            .build(),
        new SecretBuilder()
            .withNewMetadata()
            .withName("airbyte-db-password")
            .withNamespace("airbyte")
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of("DATABASE_PASSWORD", b64(CANARY + "-db")))
            .build(),
        helmReleaseRecord(),
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("unrelated-settings")
            .withNamespace("airbyte")
            .endMetadata()
            .withData(Map.of("NOTE", "kept nowhere: " + CANARY, "SMTP_PASSWORD", CANARY))
            .build(),
        new EventBuilder()
            .withNewMetadata()
            .withName("source-acme-check.canary")
            .withNamespace("airbyte")
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Pod")
            .withNamespace("airbyte")
            .withName("source-acme-check-0f0a0253-32d9-4c07-8857-9d6a5321fa56-0-bhuip")
            .endInvolvedObject()
            .withReason("Failed")
            .withType("Warning")
            .withMessage(
                "Failed to pull image: fetching https://"
                    + value("url-credentials", "robot:" + CANARY + "-ev")
                    + "@registry.example.com/v2/token: 401 Unauthorized")
            .build());
  }

  /**
   * Revision 2 of release airbyte's Helm record (the example has revision 1) as Helm 3 stores it
   * (data.release = base64 of base64 of gzip of the release JSON), with passwords in the user's
   * values and in the rendered manifest.
   */
  private static Secret helmReleaseRecord() throws IOException {
    Map<String, Object> values =
        Map.of(
            "global",
            Map.of(
                "jobs", Map.of("kube", Map.of("mainContainerImagePullSecret", "regcred")),
                "auth", Map.of("token", CANARY + "-auth")),
            "postgresql",
            Map.of("password", CANARY + "-pg"));
    Map<String, Object> release =
        Map.of(
            "name",
            "airbyte",
            "version",
            2,
            "namespace",
            "airbyte",
            "info",
            Map.of("status", "deployed"),
            "chart",
            Map.of("metadata", Map.of("name", "airbyte", "version", "1.8.5")),
            "config",
            values,
            "manifest",
            "kind: Secret\nstringData:\n  DATABASE_PASSWORD: " + CANARY + "-m\n");
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(JSON.writeValueAsBytes(release));
    }
    String helmText = Base64.getEncoder().encodeToString(gzipped.toByteArray());
    return new SecretBuilder()
        .withNewMetadata()
        .withName("sh.helm.release.v1.airbyte.v2")
        .withNamespace("airbyte")
        .withLabels(
            Map.of("name", "airbyte", "owner", "helm", "status", "deployed", "version", "2"))
        .endMetadata()
        .withType("helm.sh/release.v1")
        .withData(Map.of("release", b64(helmText)))
        .build();
  }

  private String value(String kind, String value) {
    planted.put(value, kind);
    return value;
  }

  /** Every form in which the canary could leak: plain, fragments, and base64 forms. */
  private static Set<String> forbidden() {
    Set<String> forms = new HashSet<>();
    forms.add(CANARY);
    forms.addAll(List.of("c4n4ry", "P4ss", "Zq7x"));
    forms.add(b64(CANARY));
    forms.add(b64(USER + ":" + CANARY));
    forms.add(b64(CANARY).substring(0, 12));
    forms.add(b64(USER + ":" + CANARY).substring(4, 20));
    return forms;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  record Run(int exitCode, String out, String err) {}

  /** Runs the CLI in a new JVM, so that logging is configured exactly as for a user. */
  private Run pulldoctor(String... args) throws Exception {
    ChildJvm.Result run = ChildJvm.pulldoctor(args).run(dir, Duration.ofSeconds(60));
    return new Run(run.exitCode(), run.out(), run.err());
  }
}
