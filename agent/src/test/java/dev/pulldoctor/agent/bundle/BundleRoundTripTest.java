package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bundle made from a live (mock) cluster, read back, gives every rule the same results as the
 * live run; and the same input always gives the same bytes.
 */
@EnableKubernetesMockClient(crud = true)
class BundleRoundTripTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthy-private-registry",
        "abctl-missing-pull-secret",
        "worker-env-on-1x",
        "space-padded-secret-list"
      })
  void bundle_gives_the_rules_what_the_live_cluster_gave(String example) throws Exception {
    MockClusters.seedFrom(client, List.of(Path.of("..", "examples", example)));
    Snapshot live = new ClusterCollector(client, CLOCK).collect(null, "mock");

    Path file = dir.resolve("bundle.tar.gz");
    BundleWriter.Written written = BundleWriter.write(request(live), file);
    Bundle bundle = new BundleReader().read(file);
    Snapshot read = bundle.snapshot();

    assertThat(read.source().type()).isEqualTo(SourceType.BUNDLE);
    assertThat(read.source().namespace()).isEqualTo(live.source().namespace());
    assertThat(read.capturedAt()).isEqualTo(NOW);
    // The same secrets, without what a bundle leaves out (usernames, unkeyed fingerprints).
    assertThat(read.secrets())
        .extracting(s -> s.namespace() + "/" + s.name() + " " + s.type() + " " + s.dataKeys())
        .isEqualTo(
            live.secrets().stream()
                .map(s -> s.namespace() + "/" + s.name() + " " + s.type() + " " + s.dataKeys())
                .toList());
    assertThat(read.pods()).hasSameSizeAs(live.pods());
    assertThat(read.events()).hasSameSizeAs(live.events());
    // The same verdicts; a bundle names no registry user, so neither may the live run compared.
    assertThat(comparable(run(read))).isEqualTo(comparable(withoutUsernames(run(live), live)));
    // The report stored in the bundle is what analyze shows.
    assertThat(comparable(written.report().results())).isEqualTo(comparable(run(read)));
    assertThat(bundle.manifest().formatVersion()).isEqualTo(BundleManifest.FORMAT_VERSION);
    assertThat(bundle.manifest().context()).isEqualTo("mock");
  }

  @Test
  void access_reviews_and_collection_errors_survive_the_round_trip() throws Exception {
    Snapshot snapshot =
        Snapshot.builder(NOW, new dev.pulldoctor.rules.model.Source(SourceType.CLUSTER, "c", "ab"))
            .accessReview(
                new AccessReview(
                    "system:serviceaccount:ab:airbyte-admin", "ab", "", "pods", "create", true))
            .collectionError(new CollectionError("secrets", "", "ab", "list", 403, "Forbidden"))
            .collectionError(new CollectionError("nodes", "", null, "list", 403, "Forbidden"))
            .build();
    Path file = dir.resolve("b.tar.gz");
    BundleWriter.write(request(snapshot), file);

    Snapshot read = new BundleReader().read(file).snapshot();

    assertThat(read.accessReviews()).isEqualTo(snapshot.accessReviews());
    assertThat(read.collectionErrors()).isEqualTo(snapshot.collectionErrors());
    JsonNode manifest = JSON.readTree(entries(file).get("manifest.json"));
    assertThat(manifest.path("cluster").has("nodeCount")).isFalse();
    assertThat(manifest.path("collectionErrors").get(0).path("message").asText())
        .contains("cannot list secrets in namespace ab: 403 Forbidden");
  }

  @Test
  void registry_probe_observations_travel_and_analyze_says_when_they_were_made() throws Exception {
    Path example = Path.of("..", "examples", "abctl-missing-pull-secret");
    Snapshot snapshot =
        new ManifestSnapshots(CLOCK)
            .read(List.of(example), null)
            .withRegistryObservations(List.of(GHCR_DENIED));
    Path file = dir.resolve("b.tar.gz");
    BundleWriter.write(new BundleRequest(snapshot, List.of(), false, NOW, "test", "v1.33.1"), file);

    Bundle bundle = new BundleReader().read(file);

    assertThat(bundle.snapshot().registryObservations()).containsExactly(GHCR_DENIED);
    List<Result> results =
        new RuleEngine(Rules.all())
            .run(Diagnosis.of(bundle.snapshot(), NOW, true, List.of()), NOW)
            .results();
    Result credentials =
        results.stream().filter(r -> r.rule().equals("pullsecret.credentials")).findFirst().get();
    assertThat(credentials.status()).isEqualTo(Status.FAIL);
    assertThat(credentials.message()).endsWith("(observed " + NOW + ", when the bundle was made)");
    String html = new String(entries(file).get("report.html"), StandardCharsets.UTF_8);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("pullsecret.credentials")
        .contains("ghcr.io/acme-data/source-orders:0.3.1")
        .doesNotContain("<script")
        .doesNotContain("href=\"/rules");
  }

  /** A probe of ghcr.io without credentials, as recorded; the repository is private. */
  private static final RegistryObservation GHCR_DENIED =
      new RegistryObservation(
          "ghcr.io/acme-data/source-orders:0.3.1",
          "ghcr.io",
          new RegistryObservation.Connection(
              RegistryObservation.Outcome.OK,
              null,
              null,
              "GET /v2/ answered 401 with a Bearer challenge, as a registry does",
              List.of(new RegistryObservation.StageTime(RegistryObservation.Stage.DNS, 3)),
              new RegistryObservation.Certificate(
                  "CN=*.ghcr.io",
                  "CN=Sectigo ECC Domain Validation Secure Server CA",
                  Instant.parse("2026-03-01T00:00:00Z"),
                  Instant.parse("2027-03-01T00:00:00Z"),
                  List.of("*.ghcr.io", "ghcr.io")),
              "https",
              "Bearer",
              "140.82.112.34"),
          new RegistryObservation.Access(
              RegistryObservation.AccessOutcome.ANONYMOUS_REJECTED,
              null,
              null,
              null,
              401,
              "UNAUTHORIZED",
              "authentication required",
              "no pull secret matches ghcr.io and ghcr.io refuses anonymous pulls"),
          RegistryObservation.Manifest.notChecked("the credentials were refused"));

  @Test
  void the_same_input_gives_the_same_bytes() throws Exception {
    Path example = Path.of("..", "examples", "abctl-missing-pull-secret");
    Path first = dir.resolve("first.tar.gz");
    Path second = dir.resolve("second.tar.gz");

    // Only the random key of the pull-secret fingerprints differs between two bundles; with the
    // same key, the bytes are the same.
    BundleKey key = BundleKey.fixed(new byte[32]);
    try (var out = Files.newOutputStream(first)) {
      BundleWriter.archive(
          BundleContents.build(
                  request(new ManifestSnapshots(CLOCK).read(List.of(example), null)), key)
              .files(),
          NOW,
          out);
    }
    try (var out = Files.newOutputStream(second)) {
      BundleWriter.archive(
          BundleContents.build(
                  request(new ManifestSnapshots(CLOCK).read(List.of(example), null)), key)
              .files(),
          NOW,
          out);
    }

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
  }

  @Test
  void archive_has_fixed_timestamps_owner_and_order() throws Exception {
    Path example = Path.of("..", "examples", "abctl-missing-pull-secret");
    Path file = dir.resolve("b.tar.gz");
    BundleWriter.write(request(new ManifestSnapshots(CLOCK).read(List.of(example), null)), file);

    byte[] gz = Files.readAllBytes(file);
    // gzip MTIME (bytes 4-7) is zero: the archive does not record when it was compressed.
    assertThat(new byte[] {gz[4], gz[5], gz[6], gz[7]}).containsOnly(0);
    byte[] tar = gunzip(gz);
    List<String> names = new ArrayList<>();
    for (int offset = 0; tar[offset] != 0; ) {
      String name = new String(tar, offset, 100, StandardCharsets.US_ASCII).replace("\0", "");
      long size = Long.parseLong(new String(tar, offset + 124, 11, StandardCharsets.US_ASCII), 8);
      long mtime = Long.parseLong(new String(tar, offset + 136, 11, StandardCharsets.US_ASCII), 8);
      names.add(name);
      assertThat(mtime).as(name).isEqualTo(NOW.getEpochSecond());
      assertThat(new String(tar, offset + 108, 7, StandardCharsets.US_ASCII)).isEqualTo("0000000");
      assertThat(new String(tar, offset + 116, 7, StandardCharsets.US_ASCII)).isEqualTo("0000000");
      offset += 512 + (int) ((size + 511) / 512 * 512);
    }
    assertThat(names.get(0)).isEqualTo("manifest.json");
    assertThat(names.subList(1, names.size())).isSorted();
    assertThat(names)
        .contains(
            "objects/pods.yaml",
            "objects/secrets.yaml",
            "objects/configmaps.yaml",
            "events.json",
            "observations.json",
            "report.json",
            "report.md",
            "pulldoctor.log");
  }

  @Test
  void bundle_of_a_kind_cluster_says_so() throws Exception {
    Path example = Path.of("..", "examples", "abctl-missing-pull-secret");
    Path file = dir.resolve("b.tar.gz");
    BundleWriter.write(request(new ManifestSnapshots(CLOCK).read(List.of(example), null)), file);

    JsonNode manifest = JSON.readTree(entries(file).get("manifest.json"));

    assertThat(manifest.path("cluster").path("kind").asBoolean()).isTrue();
    assertThat(manifest.path("cluster").path("kindCluster").asText()).isEqualTo("airbyte-abctl");
    assertThat(manifest.path("cluster").path("nodeCount").asInt()).isEqualTo(1);
    assertThat(manifest.path("airbyte").path("launcher").asText())
        .isEqualTo("airbyte-abctl-workload-launcher");
    assertThat(manifest.path("namespaces").get(0).asText()).isEqualTo("airbyte-abctl");
    String log = new String(entries(file).get("pulldoctor.log"), StandardCharsets.UTF_8);
    assertThat(log)
        .contains("support bundle, format 1")
        .contains("Airbyte namespace airbyte-abctl")
        .contains("pods in namespace airbyte-abctl")
        .contains("ran " + Rules.all().size() + " rules");
  }

  @Test
  void target_is_replaced_atomically_and_no_temp_file_is_left() throws Exception {
    Path example = Path.of("..", "examples", "healthy-private-registry");
    Path file = dir.resolve("b.tar.gz");
    Files.writeString(file, "an older bundle");

    BundleWriter.write(request(new ManifestSnapshots(CLOCK).read(List.of(example), null)), file);

    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("b.tar.gz");
    }
    assertThat(new BundleReader().read(file).snapshot().pods()).isNotEmpty();
  }

  private static BundleRequest request(Snapshot snapshot) {
    return new BundleRequest(snapshot, List.of(), true, NOW, "test", "v1.33.1");
  }

  private static List<Result> run(Snapshot snapshot) {
    return new RuleEngine(Rules.all())
        .run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW)
        .results();
  }

  /** Results without the evidence map, whose order of list items may differ by source. */
  /** The results with the pull secrets' usernames masked, as a bundle masks them. */
  private static List<Result> withoutUsernames(List<Result> results, Snapshot live) {
    List<String> names =
        live.secrets().stream()
            .filter(s -> s.pullSecret() != null)
            .flatMap(s -> s.pullSecret().credentials().stream())
            .map(c -> c.username())
            .filter(u -> u != null && "<username>".equals(BundleSecrets.username(u)))
            .toList();
    return results.stream()
        .map(
            r -> {
              String message = r.message();
              for (String name : names) {
                message = message.replace(name, "<username>");
              }
              return new Result(
                  r.rule(),
                  r.status(),
                  r.severity(),
                  r.subject(),
                  r.image(),
                  message,
                  r.remediation(),
                  r.evidence(),
                  r.fix());
            })
        .toList();
  }

  static List<String> comparable(List<Result> results) {
    return results.stream()
        .map(
            r ->
                String.join(
                    " | ",
                    r.rule(),
                    r.status().word(),
                    String.valueOf(r.subject()),
                    String.valueOf(r.image()),
                    notProbed(r) ? "registry not probed" : r.message(),
                    String.valueOf(r.remediation())))
        .toList();
  }

  /** Registries are never probed from a bundle; only the stated reason differs. */
  private static boolean notProbed(Result r) {
    boolean probeRule =
        r.rule().startsWith("registry.") || r.rule().equals("pullsecret.credentials");
    return probeRule && r.status() == Status.SKIP;
  }

  static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** The files of a bundle, read with the test's own minimal tar walk. */
  static Map<String, byte[]> entries(Path file) throws IOException {
    byte[] tar = gunzip(Files.readAllBytes(file));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int offset = 0; offset < tar.length && tar[offset] != 0; ) {
      String name = new String(tar, offset, 100, StandardCharsets.US_ASCII).replace("\0", "");
      int size = Integer.parseInt(new String(tar, offset + 124, 11, StandardCharsets.US_ASCII), 8);
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      content.write(tar, offset + 512, size);
      entries.put(name, content.toByteArray());
      offset += 512 + (size + 511) / 512 * 512;
    }
    return entries;
  }
}
