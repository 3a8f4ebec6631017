package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every report the program prints conforms to the schema it publishes (docs/contracts.md): JSON and
 * YAML, on each example; the chart conformance cases check the same on 47 renders.
 */
class ReportContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abctl-missing-pull-secret",
        "healthy-private-registry",
        "space-padded-secret-list",
        "worker-env-on-1x"
      })
  void json_and_yaml_of_every_example_conform_to_the_schema(String example) throws Exception {
    String[] args = {
      "diagnose",
      "--manifests",
      CliRun.example(example),
      "--offline",
      "--now",
      "2026-11-23T12:00:00Z"
    };
    JsonNode json = JSON.readTree(CliRun.of(concat(args, "-o", "json")).out());
    JsonNode yaml = YAML.readTree(CliRun.of(concat(args, "-o", "yaml")).out());

    assertThat(ReportSchema.errors(json)).as(example + " -o json").isEmpty();
    assertThat(ReportSchema.errors(yaml)).as(example + " -o yaml").isEmpty();
    assertThat(json.get("results")).isNotEmpty();
  }

  @Test
  void the_schema_rejects_a_report_that_breaks_the_contract() throws Exception {
    String[] args = {
      "diagnose",
      "--manifests",
      CliRun.example("healthy-private-registry"),
      "--offline",
      "-o",
      "json"
    };
    ObjectNode report = (ObjectNode) JSON.readTree(CliRun.of(args).out());
    ((ObjectNode) report.get("results").get(0)).put("status", "broken");
    report.remove("summary");

    assertThat(ReportSchema.errors(report)).hasSizeGreaterThanOrEqualTo(2);
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
