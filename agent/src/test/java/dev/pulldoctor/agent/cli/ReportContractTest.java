package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON report keeps the field names and values of DESIGN.md's {@code pulldoctor/v1}. */
class ReportContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode report(String format) throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("abctl-missing-pull-secret"),
            "--now",
            "2026-11-23T12:00:00Z",
            "-o",
            format);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FINDINGS);
    return format.equals("yaml") ? new YAMLMapper().readTree(run.out()) : JSON.readTree(run.out());
  }

  @Test
  void top_level_fields_and_values() throws Exception {
    JsonNode report = report("json");

    assertThat(fieldNames(report))
        .contains(
            "apiVersion",
            "kind",
            "generatedAt",
            "source",
            "airbyte",
            "images",
            "results",
            "summary");
    assertThat(report.path("apiVersion").asText()).isEqualTo("pulldoctor/v1");
    assertThat(report.path("kind").asText()).isEqualTo("Report");
    assertThat(Instant.parse(report.path("generatedAt").asText()))
        .isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
    assertThat(report.path("source").path("type").asText()).isEqualTo("manifests");
    assertThat(report.path("source").path("namespace").asText()).isEqualTo("airbyte-abctl");
    assertThat(report.path("images").get(0).asText())
        .isEqualTo("ghcr.io/acme-data/source-orders:0.3.1");
  }

  @Test
  void airbyte_block() throws Exception {
    JsonNode airbyte = report("json").path("airbyte");

    assertThat(airbyte.path("version").asText()).isEqualTo("2.0.1");
    assertThat(airbyte.path("launcher").asText()).isEqualTo("airbyte-abctl-workload-launcher");
    assertThat(airbyte.path("jobNamespace").asText()).isEqualTo("airbyte-abctl");
    assertThat(airbyte.path("jobServiceAccount").asText()).isEqualTo("airbyte-admin");
    assertThat(airbyte.path("pullSecrets").isArray()).isTrue();
    assertThat(airbyte.path("pullSecrets").get(0).asText()).isEqualTo("ghcr-creds");
  }

  @Test
  void every_result_has_the_contract_fields_and_closed_values() throws Exception {
    JsonNode report = report("json");
    int fails = 0;
    for (JsonNode result : report.path("results")) {
      assertThat(fieldNames(result)).contains("rule", "status", "severity", "message", "evidence");
      assertThat(result.path("rule").asText()).matches("[a-z]+\\.[a-z-]+");
      assertThat(result.path("status").asText()).isIn("pass", "warn", "fail", "skip", "error");
      assertThat(result.path("severity").asText()).isIn("info", "warning", "critical");
      assertThat(result.path("evidence").isObject()).isTrue();
      if (result.has("subject")) {
        assertThat(fieldNames(result.path("subject"))).contains("kind", "name");
      }
      if (result.path("status").asText().equals("fail")) {
        fails++;
        assertThat(result.path("remediation").asText()).isNotBlank();
      }
    }
    assertThat(report.path("summary").path("fail").asInt()).isEqualTo(fails);
    assertThat(fieldNames(report.path("summary")))
        .containsExactlyInAnyOrder("pass", "warn", "fail", "skip", "error");
  }

  @Test
  void every_rule_reports_at_least_one_result() throws Exception {
    JsonNode report = report("json");
    List<String> rules = new ArrayList<>();
    report.path("results").forEach(r -> rules.add(r.path("rule").asText()));

    assertThat(rules)
        .contains(
            "image.reference",
            "launcher.pull-secret-env",
            "pullsecret.exists",
            "pullsecret.format",
            "pullsecret.registry-match");
  }

  @Test
  void yaml_is_the_same_tree() throws Exception {
    assertThat(report("yaml")).isEqualTo(report("json"));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
