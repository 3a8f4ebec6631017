package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pulldoctor serve} in its own JVM, as the container runs it: no secret value and no
 * registry username in any endpoint or log line (at trace level), and a clean stop on SIGTERM.
 */
@ExtendWith(ProcessLeakCheck.class)
class ServeProcessTest {
  private static final String CANARY = "c4n4ry-Serve-7d2a";
  private static final String USER = "robot$canary-user";

  @TempDir Path dir;

  @Test
  void serve_leaks_no_secret_or_username_and_stops_cleanly_on_sigterm() throws Exception {
    try (MockApi api = MockApi.start()) {
      api.seed(installWithCanarySecrets());
      try (ChildServe serve =
          ChildServe.start(
              dir,
              List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
              // the most verbose level: fabric8's HTTP logging must stay pinned below TRACE
              "trace",
              "--kubeconfig",
              api.kubeconfig(dir).toString(),
              "-n",
              "airbyte",
              "--port",
              "0",
              "--offline")) {
        Waits.await("/readyz 200")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .untilAsserted(
                () ->
                    assertThat(Http.get(serve.url("/readyz")).statusCode())
                        .as(serve.output())
                        .isEqualTo(200));
        StringBuilder everything = new StringBuilder();
        for (String path :
            List.of("/", "/rules", "/api/v1/report", "/api/v1/rules", "/metrics", "/readyz")) {
          everything.append(Http.get(serve.url(path)).body());
        }
        assertThat(everything.toString())
            .contains("canary-valid", "passwordFingerprints", "&lt;username&gt;");
        // SIGTERM, as the kubelet sends it: the JVM's exit status for it is 128 + 15.
        assertThat(serve.terminate(Duration.ofSeconds(20))).isEqualTo(143);
        String log = serve.output();
        assertThat(log).contains("stopping", "DEBUG");
        assertThat(log).doesNotContain("HttpLoggingInterceptor", "-HTTP START-", "-HTTP END-");
        everything.append(log);
        for (String form : forbidden()) {
          assertThat(everything.toString()).as("output contains %s", form).doesNotContain(form);
        }
      }
    }
  }

  private static List<String> forbidden() throws NoSuchAlgorithmException {
    return List.of(
        CANARY,
        "c4n4ry",
        "Serve-7d2a",
        USER,
        "canary-user",
        b64(CANARY),
        b64(USER + ":" + CANARY),
        b64(USER + ":" + CANARY).substring(4, 20),
        // what the password fingerprint used to be: anyone could compute it from a guess
        sha256Prefix(CANARY));
  }

  /** The healthy example, whose launcher also names a secret holding the canary. */
  private static List<HasMetadata> installWithCanarySecrets() throws Exception {
    List<HasMetadata> objects =
        new ArrayList<>(
            new ManifestReader()
                .read(List.of(CliRun.EXAMPLES.resolve("healthy-private-registry")))
                .objects());
    for (HasMetadata object : objects) {
      if (object instanceof ConfigMap map
          && map.getMetadata().getName().equals("airbyte-airbyte-env")) {
        map.getData().put("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "regcred,canary-valid");
      }
    }
    String config =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"%s\",\"password\":\"%s\",\"auth\":\"%s\"}}}"
            .formatted(USER, CANARY, b64(USER + ":" + CANARY));
    objects.add(
        new SecretBuilder()
            .withNewMetadata()
            .withName("canary-valid")
            .withNamespace("airbyte")
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", b64(config)))
            .build());
    return objects;
  }

  private static String sha256Prefix(String text) throws NoSuchAlgorithmException {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 6);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
