package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.render.SourceLocations;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a diagnosis reads from and what it points back at: {@code -} for standard input, and the
 * file and line of each object in the SARIF report.
 */
class InputSourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLE = CliRun.EXAMPLES.resolve("abctl-missing-pull-secret");

  @TempDir Path dir;

  @Test
  void diagnose_reads_a_piped_dump_as_it_reads_the_files() throws Exception {
    StringBuilder dump = new StringBuilder();
    for (Path file : yamlFiles(EXAMPLE)) {
      dump.append("---\n").append(Files.readString(file, StandardCharsets.UTF_8));
    }

    CliRun fromFiles =
        CliRun.of("diagnose", "--manifests", EXAMPLE.toString(), "--offline", "-o", "json");
    CliRun piped =
        withStdin(
            dump.toString(),
            () -> CliRun.of("diagnose", "--manifests", "-", "--offline", "-o", "json"));

    assertThat(piped.exitCode()).as(piped.err()).isEqualTo(1).isEqualTo(fromFiles.exitCode());
    JsonNode report = JSON.readTree(piped.out());
    assertThat(report.path("source").path("context").asText()).isEqualTo("stdin");
    assertThat(report.path("results")).isEqualTo(JSON.readTree(fromFiles.out()).path("results"));
  }

  @Test
  void classify_reads_json_lines_from_standard_input() throws Exception {
    String lines =
        "{\"message\": \"Failed to pull image \\\"ghcr.io/acme/source-x:1\\\": manifest"
            + " unknown\"}\n"
            + "\n"
            + "{\"message\": \"dial tcp: lookup registry.example.com: no such host\"}\n";

    CliRun run = withStdin(lines, () -> CliRun.of("classify", "-f", "-"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> causes = new ArrayList<>();
    for (String line : run.out().strip().split("\n", -1)) {
      causes.add(JSON.readTree(line).path("cause").asText());
    }
    assertThat(causes).containsExactly("not_found", "network_dns");
  }

  @Test
  void a_malformed_line_on_standard_input_is_named_by_stdin_and_line() {
    CliRun run =
        withStdin("{\"message\": \"ok\"}\nnot json\n", () -> CliRun.of("classify", "-f", "-"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("stdin:2:")
        .contains("malformed JSON")
        .doesNotContain("not json");
  }

  @Test
  void sarif_points_each_found_object_at_its_file_and_first_line() throws Exception {
    CliRun run =
        CliRun.of("diagnose", "--manifests", EXAMPLE.toString(), "--offline", "-o", "sarif");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    int located = 0;
    for (JsonNode result : JSON.readTree(run.out()).path("runs").get(0).path("results")) {
      JsonNode location = result.path("locations").get(0);
      String uri = location.path("physicalLocation").path("artifactLocation").path("uri").asText();
      if (!uri.startsWith(EXAMPLE + "/")) {
        // An object no file holds (a missing secret) has its k8s:// URI.
        assertThat(uri).startsWith("k8s://");
        continue;
      }
      located++;
      int line = location.path("physicalLocation").path("region").path("startLine").asInt();
      String name = location.path("logicalLocations").get(0).path("name").asText();
      List<String> lines = Files.readAllLines(Path.of(uri), StandardCharsets.UTF_8);
      // kubectl's List items start with "- apiVersion:"; the first "name:" after it is the
      // object's own (metadata.name, as kubectl sorts keys).
      assertThat(lines.get(line - 1)).as(uri + ":" + line).contains("apiVersion:");
      String firstName =
          lines.subList(line, lines.size()).stream()
              .map(String::strip)
              .filter(l -> l.startsWith("name: "))
              .findFirst()
              .orElse("");
      assertThat(firstName).as(uri + ":" + line).isEqualTo("name: " + name);
    }
    assertThat(located).isPositive();
  }

  @Test
  void sarif_of_a_live_cluster_names_each_object_by_its_kubernetes_uri() throws Exception {
    try (MockApi api = MockApi.start().seed(EXAMPLE)) {
      Path kubeconfig = api.kubeconfig(dir);

      CliRun run =
          CliRun.of(
              "diagnose",
              "--kubeconfig",
              kubeconfig.toString(),
              "-n",
              "airbyte-abctl",
              "--offline",
              "-o",
              "sarif");

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      List<String> uris = uris(run.out());
      // A cluster-scoped object (the kind node) has no namespace: an empty authority.
      assertThat(uris)
          .contains(
              "k8s://airbyte-abctl/Secret/ghcr-creds",
              "k8s://airbyte-abctl/Pod/airbyte-abctl-workload-launcher-ttlch27fcq-pwb9d",
              "k8s:///Node/airbyte-abctl-control-plane")
          .allMatch(u -> u.startsWith("k8s://airbyte-abctl/") || u.startsWith("k8s:///Node/"));
    }
  }

  @Test
  void sarif_of_a_bundle_names_the_bundle_entry_of_each_object() throws Exception {
    Path bundle = dir.resolve("airbyte-pulls.tar.gz");
    CliRun create =
        CliRun.of("bundle", "create", "--manifests", EXAMPLE.toString(), "-f", bundle.toString());
    assertThat(create.exitCode()).as(create.err()).isLessThanOrEqualTo(1);

    CliRun run = CliRun.of("diagnose", "--bundle", bundle.toString(), "-o", "sarif");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(uris(run.out()))
        .contains(SourceLocations.fileUri(bundle.toString()) + "#objects/secrets.yaml")
        .allMatch(
            u ->
                u.startsWith(SourceLocations.fileUri(bundle.toString()) + "#")
                    || u.startsWith("k8s://"));
  }

  private static List<String> uris(String sarif) throws Exception {
    List<String> uris = new ArrayList<>();
    for (JsonNode result : JSON.readTree(sarif).path("runs").get(0).path("results")) {
      uris.add(
          result
              .path("locations")
              .get(0)
              .path("physicalLocation")
              .path("artifactLocation")
              .path("uri")
              .asText());
    }
    return uris;
  }

  private static List<Path> yamlFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private interface Run {
    CliRun run() throws Exception;
  }

  private static CliRun withStdin(String text, Run run) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    try {
      return run.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      System.setIn(original);
    }
  }
}
