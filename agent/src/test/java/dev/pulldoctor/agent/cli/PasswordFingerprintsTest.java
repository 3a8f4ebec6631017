package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.render.OutputFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a reader of a report (a ticket, a CI artifact, a SARIF upload) can learn from the password
 * fingerprints of {@code pullsecret.format}: which pull secrets share a password, and nothing a
 * password list could be checked against. The launcher names the example's {@code regcred} and two
 * more pull secrets that both hold the password {@code airbyte}.
 */
class PasswordFingerprintsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHARED_PASSWORD = "airbyte";
  private static final String EXAMPLE_PASSWORD = "example-password-not-real";

  @TempDir Path dir;

  @BeforeEach
  void writeManifests() throws IOException {
    Path example = Path.of(CliRun.example("healthy-private-registry"));
    try (Stream<Path> files = Files.list(example)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Files.writeString(
            dir.resolve(file.getFileName()),
            Files.readString(file, StandardCharsets.UTF_8)
                .replace(
                    "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET: regcred\n",
                    "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET: regcred,mirror-a,mirror-b\n"),
            StandardCharsets.UTF_8);
      }
    }
    Files.writeString(
        dir.resolve("mirror-secrets.yaml"),
        pullSecret("mirror-a", "mirror-a.example.com", "robot-a")
            + "---\n"
            + pullSecret("mirror-b", "mirror-b.example.com", "robot-b"),
        StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void no_format_shows_an_unkeyed_hash_of_a_password(OutputFormat format) {
    CliRun run = diagnose(format);

    assertThat(run.out()).as(run.err()).isNotBlank();
    for (String password : new String[] {SHARED_PASSWORD, EXAMPLE_PASSWORD}) {
      // The 12 hex digits older versions printed as the password's fingerprint.
      String unkeyed = sha256Hex(password).substring(0, 12);
      assertThat(run.out() + run.err())
          .as("the SHA-256 of %s", password)
          .doesNotContain(unkeyed)
          .doesNotContain(unkeyed.toUpperCase(Locale.ROOT));
    }
  }

  @Test
  void secrets_sharing_a_password_show_the_same_keyed_fingerprint() throws IOException {
    Map<String, String> fingerprints = new TreeMap<>();
    for (JsonNode result : JSON.readTree(diagnose(OutputFormat.JSON).out()).path("results")) {
      if (result.path("rule").asText().equals("pullsecret.format")) {
        fingerprints.put(
            result.at("/subject/name").asText(),
            result.at("/evidence/passwordFingerprints").toString());
      }
    }

    assertThat(fingerprints).containsOnlyKeys("mirror-a", "mirror-b", "regcred");
    assertThat(fingerprints.values()).allMatch(f -> f.matches("\\[\"hmac:[0-9a-f]{12}\"]"));
    assertThat(fingerprints.get("mirror-a")).isEqualTo(fingerprints.get("mirror-b"));
    assertThat(fingerprints.get("regcred")).isNotEqualTo(fingerprints.get("mirror-a"));
  }

  private CliRun diagnose(OutputFormat format) {
    return CliRun.of(
        "diagnose",
        "--manifests",
        dir.toString(),
        "--offline",
        "--now",
        "2026-11-23T12:00:00Z",
        "-o",
        format.word());
  }

  private static String pullSecret(String name, String registry, String user) {
    String config =
        "{\"auths\":{\"%s\":{\"username\":\"%s\",\"password\":\"%s\",\"auth\":\"%s\"}}}"
            .formatted(registry, user, SHARED_PASSWORD, b64(user + ":" + SHARED_PASSWORD));
    return """
    apiVersion: v1
    kind: Secret
    metadata:
      name: %s
      namespace: airbyte
    type: kubernetes.io/dockerconfigjson
    data:
      .dockerconfigjson: %s
    """
        .formatted(name, b64(config));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
