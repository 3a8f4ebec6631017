package dev.pulldoctor.rules.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.rules.model.ReducedSecrets;
import dev.pulldoctor.rules.model.SecretInfo;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Helm release records are read as Helm's secrets driver writes them, within fixed limits, and only
 * the chart and the allow-listed values survive: release values often hold passwords.
 */
class HelmReleaseDecoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "c4n4ry-Rel-Zq7x";

  @Test
  void keeps_the_chart_and_the_job_pod_keys_and_drops_everything_else() throws Exception {
    Map<String, Object> values =
        Map.of(
            "global",
            Map.of(
                "jobs",
                Map.of(
                    "kube",
                    Map.of(
                        "mainContainerImagePullSecret", "regcred",
                        "serviceAccountName", "airbyte-jobs",
                        "namespace", "jobs")),
                "imagePullSecrets",
                List.of(Map.of("name", "docker-auth")),
                "auth",
                Map.of("token", CANARY)),
            "postgresql",
            Map.of("password", CANARY),
            "workload-launcher",
            Map.of(
                "extraEnv",
                List.of(
                    Map.of("name", "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "value", "a,b"),
                    Map.of("name", "DATABASE_PASSWORD", "value", CANARY))),
            "worker",
            Map.of("env", Map.of("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "custom")));

    HelmRelease release = HelmReleaseDecoder.decode(record("airbyte", 3, "deployed", values));

    assertThat(release.problem()).isNull();
    assertThat(release.name()).isEqualTo("airbyte");
    assertThat(release.revision()).isEqualTo(3);
    assertThat(release.chartName()).isEqualTo("airbyte");
    assertThat(release.chartVersion()).isEqualTo("1.8.5");
    assertThat(release.appVersion()).isEqualTo("1.8.5");
    assertThat(release.values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "global.jobs.kube.mainContainerImagePullSecret", "regcred",
                "global.jobs.kube.serviceAccountName", "airbyte-jobs",
                "global.jobs.kube.namespace", "jobs",
                "global.imagePullSecrets[0].name", "docker-auth",
                "workload-launcher.extraEnv[0].name", "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET",
                "workload-launcher.extraEnv[0].value", "a,b",
                "worker.env.JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "custom"));
    assertThat(release.toString()).doesNotContain(CANARY).doesNotContain("c4n4ry");
  }

  @Test
  void the_secret_view_of_a_record_keeps_no_fingerprint_of_its_values() throws Exception {
    SecretInfo info = SecretInfo.from(record("airbyte", 1, "deployed", Map.of("a", CANARY)));

    assertThat(info.dataKeys()).containsExactly("release");
    assertThat(info.valueFingerprints()).isEmpty();
  }

  @Test
  void of_a_release_history_only_the_newest_deployed_record_is_decoded() throws Exception {
    ReducedSecrets reduced =
        ReducedSecrets.of(
            List.of(
                record("airbyte", 1, "superseded", Map.of()),
                record("airbyte", 2, "deployed", Map.of()),
                record("airbyte", 3, "failed", Map.of()),
                record("other", 7, "deployed", Map.of())));

    assertThat(reduced.secrets()).hasSize(4);
    assertThat(reduced.helmReleases())
        .extracting(HelmRelease::name, HelmRelease::revision)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("airbyte", 2),
            org.assertj.core.groups.Tuple.tuple("other", 7));
  }

  @Test
  void a_record_past_the_decompressed_limit_is_not_read_and_says_so() throws Exception {
    // Compresses to a few hundred KiB; decompresses past the 32 MiB limit.
    String manifest = "x".repeat(HelmReleaseDecoder.MAX_JSON_BYTES + 1024);
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("name", "airbyte");
    release.put("manifest", manifest);
    Secret secret = secret("airbyte", 1, "deployed", gzip(JSON.writeValueAsBytes(release)));

    HelmRelease decoded = HelmReleaseDecoder.decode(secret);

    assertThat(decoded.problem()).isEqualTo("the release JSON is over the limit of 32 MiB");
    assertThat(decoded.values()).isEmpty();
  }

  @Test
  void malformed_records_are_problems_that_quote_nothing() {
    Secret notBase64 = secret("airbyte", 1, "deployed", new byte[0]);
    notBase64.getData().put("release", "%%%" + CANARY);
    Secret notGzip = secret("airbyte", 1, "deployed", CANARY.getBytes(StandardCharsets.UTF_8));
    Secret noData = secret("airbyte", 1, "deployed", new byte[0]);
    noData.setData(Map.of());

    assertThat(HelmReleaseDecoder.decode(notBase64).problem())
        .isEqualTo("data.release is not base64 of Helm's base64 text");
    assertThat(HelmReleaseDecoder.decode(notGzip).problem())
        .isEqualTo("the release is not valid JSON");
    assertThat(HelmReleaseDecoder.decode(noData).problem())
        .isEqualTo("the Secret has no data key 'release'");
  }

  @Test
  void deep_or_long_values_are_skipped_not_kept() throws Exception {
    Object deep = "regcred";
    for (int i = 0; i < 100; i++) {
      deep = Map.of("global", deep);
    }
    Map<String, Object> values =
        Map.of(
            "deep",
            deep,
            "global",
            Map.of(
                "jobs", Map.of("kube", Map.of("mainContainerImagePullSecret", "r".repeat(5000)))));

    HelmRelease release = HelmReleaseDecoder.decode(record("airbyte", 1, "deployed", values));

    assertThat(release.problem()).isNull();
    assertThat(release.values()).isEmpty();
  }

  /** A release record as Helm 3's secrets driver stores it. */
  static Secret record(String name, int revision, String status, Map<String, Object> values)
      throws IOException {
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("name", name);
    release.put("info", Map.of("status", status, "description", "Install complete"));
    release.put(
        "chart",
        Map.of(
            "metadata",
            Map.of("name", "airbyte", "version", "1.8.5", "appVersion", "1.8.5"),
            "templates",
            List.of(Map.of("name", "templates/x.yaml", "data", "e30="))));
    release.put("config", values);
    release.put("manifest", "---\n# Source: airbyte/templates/x.yaml\n" + CANARY + "\n");
    release.put("version", revision);
    release.put("namespace", "airbyte");
    return secret(name, revision, status, gzip(JSON.writeValueAsBytes(release)));
  }

  private static Secret secret(String name, int revision, String status, byte[] compressed) {
    String helmText = Base64.getEncoder().encodeToString(compressed);
    Map<String, String> data = new LinkedHashMap<>();
    data.put(
        "release",
        Base64.getEncoder().encodeToString(helmText.getBytes(StandardCharsets.US_ASCII)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName("sh.helm.release.v1." + name + ".v" + revision)
        .withNamespace("airbyte")
        .withLabels(
            Map.of(
                "name",
                name,
                "owner",
                "helm",
                "status",
                status,
                "version",
                String.valueOf(revision)))
        .endMetadata()
        .withType(HelmReleaseDecoder.SECRET_TYPE)
        .withData(data)
        .build();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}
