package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On every bundled example and every render of Airbyte's real charts, each fix the report prints
 * was proven: replayed on that snapshot it clears its finding (or names the steps a replay cannot
 * apply) and makes nothing else fail, and no fix deletes anything.
 */
class FixProofOnInstallsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHARTS = Path.of("src/test/resources/conformance/charts");

  static Stream<List<String>> installs() throws IOException {
    List<List<String>> all = new ArrayList<>();
    for (String example :
        List.of(
            "healthy-private-registry",
            "abctl-missing-pull-secret",
            "worker-env-on-1x",
            "space-padded-secret-list")) {
      all.add(List.of("--manifests", CliRun.example(example)));
    }
    try (Stream<Path> cases = Files.walk(CHARTS, 2)) {
      for (Path dir : cases.filter(p -> Files.exists(p.resolve("expect.yaml"))).sorted().toList()) {
        List<String> args = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.sorted().toList()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".yaml")
                && !name.equals("values.yaml")
                && !name.equals("expect.yaml")) {
              args.add("--manifests");
              args.add(file.toString());
            }
          }
        }
        all.add(args);
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("installs")
  void every_printed_fix_is_proven_on_the_install_it_came_from(List<String> input)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("diagnose", "--offline", "-o", "json"));
    args.addAll(input);
    CliRun run = CliRun.of(args.toArray(String[]::new));
    JsonNode report = JSON.readTree(run.out());

    for (JsonNode result : report.path("results")) {
      String where = input + " " + result.path("rule").asText();
      assertThat(result.path("remediation").asText()).as(where).doesNotContain("kubectl delete");
      JsonNode fix = result.path("fix");
      if (fix.isMissingNode()) {
        continue;
      }
      List<JsonNode> variants = new ArrayList<>();
      variants.add(fix);
      fix.path("alternatives").forEach(variants::add);
      for (JsonNode variant : variants) {
        JsonNode proof = variant.path("proof");
        assertThat(proof.isObject()).as(where + ": unproven fix " + variant).isTrue();
        assertThat(proof.path("newFailures")).as(where + ": " + variant).isEmpty();
        if (proof.path("manualSteps").isEmpty()) {
          assertThat(proof.path("clears").asBoolean())
              .as(where + ": the fix does not clear its finding: " + variant)
              .isTrue();
        }
      }
    }
  }
}
