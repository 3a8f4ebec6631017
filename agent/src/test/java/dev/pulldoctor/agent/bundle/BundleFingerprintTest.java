package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing in a bundle can be checked against a password list: no fingerprint of a Secret value
 * other than a pull secret's, pull-secret fingerprints keyed per bundle, no registry usernames; and
 * analyze still reaches the verdicts of the live run.
 */
class BundleFingerprintTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  // The 12 hex digits a bundle used to write for the value "airbyte": its unkeyed SHA-256.
  private static final String AIRBYTE_HASH = sha256Prefix("airbyte");

  @TempDir Path dir;

  @BeforeEach
  void writeManifests() throws IOException {
    Path example = Path.of("..", "examples", "healthy-private-registry");
    try (Stream<Path> files = Files.list(example)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(
            dir.resolve(file.getFileName()),
            text.replace(
                "  data:\n    AIRBYTE_API_HOST",
                "  data:\n    DATABASE_PASSWORD: airbyte\n    AIRBYTE_API_HOST"),
            StandardCharsets.UTF_8);
      }
    }
    Files.writeString(
        dir.resolve("db-secret.yaml"),
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: airbyte-db-secrets
          namespace: airbyte
        type: Opaque
        data:
          DATABASE_PASSWORD: %s
          DATABASE_USER: %s
        """
            .formatted(b64("airbyte"), b64("airbyte")),
        StandardCharsets.UTF_8);
  }

  @Test
  void no_fingerprint_of_a_secret_value_can_be_tested_against_a_guess() throws Exception {
    BundleContents.Built built = BundleContents.build(request(snapshot()));

    for (var file : built.files().entrySet()) {
      assertThat(new String(file.getValue(), StandardCharsets.UTF_8))
          .as(file.getKey())
          .doesNotContain(AIRBYTE_HASH);
    }
    JsonNode secrets = YAML.readTree(built.files().get(BundleContents.SECRETS));
    assertThat(secrets.path("items"))
        .filteredOn(s -> s.at("/metadata/name").asText().equals("airbyte-db-secrets"))
        .singleElement()
        .satisfies(s -> assertThat(s.path("valueFingerprints").isEmpty()).isTrue());
    assertThat(JSON.readTree(built.files().get(BundleContents.MANIFEST)).path("redactions"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.path("fingerprint").isMissingNode()).isTrue());
  }

  @Test
  void two_bundles_of_one_cluster_key_their_pull_secret_fingerprints_differently()
      throws Exception {
    Snapshot snapshot = snapshot();

    List<String> first = pullSecretFingerprints(BundleContents.build(request(snapshot)));
    List<String> second = pullSecretFingerprints(BundleContents.build(request(snapshot)));

    assertThat(first).isNotEmpty().allMatch(f -> f.startsWith(BundleKey.PREFIX));
    assertThat(second).hasSameSizeAs(first).doesNotContainAnyElementsOf(first);
  }

  @Test
  void a_bundle_names_no_registry_user_and_analyze_gives_the_live_verdicts() throws Exception {
    Snapshot live = snapshot();
    String user =
        live.secrets().stream()
            .filter(s -> s.pullSecret() != null)
            .flatMap(s -> s.pullSecret().credentials().stream())
            .map(c -> c.username())
            .filter(u -> u != null)
            .findFirst()
            .orElseThrow();

    BundleContents.Built built = BundleContents.build(request(live));

    for (var file : built.files().entrySet()) {
      assertThat(new String(file.getValue(), StandardCharsets.UTF_8))
          .as(file.getKey())
          .doesNotContain(user);
    }
    assertThat(verdicts(built.redacted())).isEqualTo(verdicts(live));
  }

  private static List<String> verdicts(Snapshot snapshot) {
    List<String> verdicts = new ArrayList<>();
    for (Result r :
        new RuleEngine(Rules.all())
            .run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW)
            .results()) {
      verdicts.add(r.rule() + " " + r.status().word() + " " + r.subject() + " " + r.image());
    }
    return verdicts;
  }

  private static List<String> pullSecretFingerprints(BundleContents.Built built)
      throws IOException {
    List<String> fingerprints = new ArrayList<>();
    YAML.readTree(built.files().get(BundleContents.SECRETS))
        .path("items")
        .forEach(
            s ->
                s.at("/pullSecret/credentials")
                    .forEach(c -> fingerprints.add(c.path("passwordFingerprint").asText())));
    return fingerprints;
  }

  private Snapshot snapshot() throws Exception {
    return new ManifestSnapshots(CLOCK).read(List.of(dir), null);
  }

  private static BundleRequest request(Snapshot snapshot) {
    return new BundleRequest(snapshot, List.of(), true, NOW, "test", "v1.33.1");
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
