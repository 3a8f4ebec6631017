package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.bundle.BundleManifest;
import dev.pulldoctor.agent.bundle.BundleReader;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bundle create}, {@code analyze} and {@code diagnose --bundle} as a user runs them. */
@EnableKubernetesMockClient(crud = true)
class BundleCommandTest {
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
  void analyze_of_a_bundle_reports_what_diagnose_reports(String example) throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    CliRun create =
        CliRun.of(
            "bundle", "create", "--manifests", CliRun.example(example), "-f", bundle.toString());

    CliRun diagnose = CliRun.of("diagnose", "--manifests", CliRun.example(example), "-o", "json");
    CliRun analyze = CliRun.of("analyze", bundle.toString(), "-o", "json");
    CliRun viaDiagnose = CliRun.of("diagnose", "--bundle", bundle.toString(), "-o", "json");

    assertThat(create.exitCode()).as(create.err()).isZero();
    assertThat(create.out().strip()).isEqualTo(bundle.toAbsolutePath().toString());
    assertThat(create.err()).contains("pulldoctor: wrote b.tar.gz (").contains("values left out");
    assertThat(analyze.exitCode()).as(analyze.err()).isEqualTo(diagnose.exitCode());
    JsonNode analyzed = JSON.readTree(analyze.out());
    // Only the reason the registries were not probed, the masked usernames and the keyed
    // fingerprints differ: a bundle is never probed and holds no guessable value.
    assertThat(withoutProbeSkipReasons(analyzed.path("results")))
        .isEqualTo(withoutProbeSkipReasons(JSON.readTree(diagnose.out()).path("results")));
    assertThat(analyzed.path("results").findValuesAsText("message"))
        .anyMatch(m -> m.startsWith("read from a support bundle: pulldoctor does not probe"));
    assertThat(analyzed.path("source").path("type").asText()).isEqualTo("bundle");
    assertThat(analyzed.path("source").path("context").asText()).isEqualTo(bundle.toString());
    assertThat(viaDiagnose.out())
        .isEqualTo(
            analyze
                .out()
                .replace(
                    JSON.readTree(analyze.out()).path("generatedAt").asText(),
                    JSON.readTree(viaDiagnose.out()).path("generatedAt").asText()));
  }

  @Test
  void live_bundle_names_the_context_and_lands_in_the_given_directory() throws Exception {
    seed("healthy-private-registry");
    Path kubeconfig = kubeconfig();

    CliRun create =
        CliRun.of(
            "bundle",
            "create",
            "--kubeconfig",
            kubeconfig.toString(),
            "-f",
            dir.toString(),
            // registry.example.com does not exist; the probes are tested elsewhere.
            "--offline");
    CliRun analyze = CliRun.of("analyze", create.out().strip(), "--show-all");

    assertThat(create.exitCode()).as(create.err()).isZero();
    Path written = Path.of(create.out().strip());
    assertThat(written.getParent()).isEqualTo(dir.toAbsolutePath());
    assertThat(written.getFileName().toString())
        .matches("pulldoctor-bundle-\\d{8}T\\d{6}Z\\.tar\\.gz");
    assertThat(analyze.exitCode()).as(analyze.err()).isZero();
    assertThat(analyze.out()).contains("PASS").contains("pullsecret.registry-match");
    BundleManifest manifest = new BundleReader().read(written).manifest();
    assertThat(manifest.sourceType()).isEqualTo(SourceType.CLUSTER);
    assertThat(manifest.context()).isEqualTo("mock");
    assertThat(manifest.namespace()).isEqualTo("airbyte");
  }

  @Test
  void images_named_at_creation_are_checked_by_analyze_unless_overridden() {
    Path bundle = dir.resolve("b.tar.gz");
    CliRun.of(
        "bundle",
        "create",
        "--manifests",
        CliRun.example("healthy-private-registry"),
        "--image",
        "registry.example.com/data-team/source-acme:latest",
        "-f",
        bundle.toString());

    CliRun analyze = CliRun.of("analyze", bundle.toString(), "--fail-on", "warn");
    CliRun overridden =
        CliRun.of(
            "analyze",
            bundle.toString(),
            "--image",
            "registry.example.com/data-team/source-acme:1.2.0",
            "--fail-on",
            "warn");

    assertThat(analyze.out()).contains("source-acme:latest").contains("WARN");
    assertThat(analyze.exitCode()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(overridden.out()).doesNotContain("source-acme:latest");
    assertThat(overridden.exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void bundle_option_excludes_other_sources() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--bundle",
            "b.tar.gz",
            "--manifests",
            CliRun.example("healthy-private-registry"));

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().strip())
        .startsWith("pulldoctor: --bundle reads a bundle file and cannot be combined with")
        .doesNotContain("\n");
    assertThat(CliRun.of("diagnose", "--bundle", "b.tar.gz", "-n", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void a_file_that_is_not_a_bundle_is_one_line_and_exit_2() throws Exception {
    Path file = dir.resolve("notes.tar.gz");
    Files.writeString(file, "hello", StandardCharsets.UTF_8);

    CliRun run = CliRun.of("analyze", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("pulldoctor: " + file + ": not a gzip file, or corrupt gzip data\n");
  }

  @Test
  void create_refuses_a_missing_directory_and_mixed_sources() {
    CliRun missing =
        CliRun.of(
            "bundle",
            "create",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "-f",
            dir.resolve("no/such/dir/b.tar.gz").toString());
    CliRun mixed =
        CliRun.of(
            "bundle",
            "create",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--context",
            "prod");

    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("-f: no such directory:").contains("no/such/dir");
    assertThat(mixed.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(mixed.err()).contains("cannot be combined with --kubeconfig or --context");
  }

  @Test
  void bundle_without_subcommand_lists_create_and_help_mentions_analyze() {
    assertThat(CliRun.of("bundle").out()).contains("create");
    assertThat(CliRun.of("--help").out()).contains("analyze").contains("bundle");
    assertThat(CliRun.of("analyze", "--help").out()).contains("BUNDLE").contains("--fail-on");
  }

  private void seed(String example) throws Exception {
    MockClusters.seedFrom(client, List.of(Path.of("..", "examples", example)));
  }

  private Path kubeconfig() {
    return Kubeconfig.of(client).token("t").namespace("airbyte").writeTo(dir.resolve("kubeconfig"));
  }

  /** Results with the message of each "registry not probed" skip blanked out. */
  private static JsonNode withoutProbeSkipReasons(JsonNode results) {
    JsonNode copy = results.deepCopy();
    for (JsonNode result : copy) {
      String rule = result.path("rule").asText();
      boolean probeRule = rule.startsWith("registry.") || rule.equals("pullsecret.credentials");
      if (probeRule && result.path("status").asText().equals("skip")) {
        ((ObjectNode) result).put("message", "not probed");
      }
      // A bundle masks registry usernames and keys its password fingerprints per bundle
      // (docs/redaction.md): both differ from a direct run by design.
      ((ObjectNode) result)
          .put(
              "message",
              result.path("message").asText().replaceAll("user '[^']*'", "user '<username>'"));
      if (result.path("evidence") instanceof ObjectNode evidence) {
        evidence.remove("passwordFingerprints");
      }
    }
    return copy;
  }
}
