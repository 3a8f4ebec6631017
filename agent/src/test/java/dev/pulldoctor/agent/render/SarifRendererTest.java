package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Report;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SARIF report is valid against the official SARIF 2.1.0 schema and maps statuses as
 * documented.
 */
class SarifRendererTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = SarifRendererTest.class.getResourceAsStream("/sarif-schema-2.1.0.json")) {
      assertThat(in).as("sarif-schema-2.1.0.json on the test classpath").isNotNull();
      schema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
              .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
    }
  }

  @Test
  void the_schema_rejects_what_is_not_sarif() throws Exception {
    JsonNode notSarif = JSON.readTree("{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}");

    assertThat(schema.validate(notSarif)).isNotEmpty();
  }

  @Test
  void abctl_example_is_valid_sarif_with_its_failure() throws Exception {
    JsonNode sarif = render(Reports.example("abctl-missing-pull-secret"));

    assertValid(sarif);
    assertThat(sarif.path("$schema").asText())
        .isEqualTo("https://json.schemastore.org/sarif-2.1.0.json");
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    assertThat(sarif.path("runs")).hasSize(1);
    JsonNode run = sarif.path("runs").get(0);
    JsonNode driver = run.path("tool").path("driver");
    assertThat(driver.path("name").asText()).isEqualTo("pulldoctor");
    assertThat(driver.path("version").asText()).isEqualTo("1.2.3");
    assertThat(driver.has("informationUri")).isFalse();
    assertThat(driver.path("rules")).hasSize(Rules.all().size());
    JsonNode rule = driver.path("rules").get(Rules.ids().indexOf("pullsecret.exists"));
    assertThat(rule.path("id").asText()).isEqualTo("pullsecret.exists");
    assertThat(rule.path("name").asText()).isEqualTo("PullsecretExists");
    assertThat(rule.path("shortDescription").path("text").asText())
        .isEqualTo(Rules.byId("pullsecret.exists").orElseThrow().info().title());
    assertThat(rule.path("help").path("text").asText()).isNotBlank();
    assertThat(rule.path("defaultConfiguration").path("level").asText()).isEqualTo("error");
    assertThat(run.path("invocations").get(0).path("endTimeUtc").asText())
        .isEqualTo("2026-11-23T12:00:00Z");

    JsonNode failure = resultFor(run, "pullsecret.exists");
    assertThat(failure.path("level").asText()).isEqualTo("error");
    assertThat(failure.path("ruleIndex").asInt())
        .isEqualTo(Rules.ids().indexOf("pullsecret.exists"));
    assertThat(failure.path("message").path("text").asText()).contains("ghcr-creds");
    JsonNode logical = failure.path("locations").get(0).path("logicalLocations").get(0);
    assertThat(logical.path("fullyQualifiedName").asText())
        .isEqualTo("airbyte-abctl/Secret/ghcr-creds");
    assertThat(logical.path("kind").asText()).isEqualTo("resource");
    assertThat(failure.path("properties").path("remediation").asText())
        .contains("kubectl create secret docker-registry ghcr-creds");
    assertThat(failure.path("properties").path("evidence").isObject()).isTrue();
  }

  @Test
  void only_fail_warn_and_error_are_results_with_their_levels() throws Exception {
    Report report = Reports.hostile();
    JsonNode sarif = render(report);

    assertValid(sarif);
    JsonNode results = sarif.path("runs").get(0).path("results");
    List<String> levels = new ArrayList<>();
    results.forEach(r -> levels.add(r.path("ruleId").asText() + "=" + r.path("level").asText()));
    assertThat(levels)
        .containsExactly(
            "pullsecret.exists=error",
            "pullsecret.format=note",
            "pullsecret.registry-match=warning");
    JsonNode error = results.get(1);
    assertThat(error.path("properties").path("checkCouldNotRun").asBoolean()).isTrue();
    JsonNode warning = results.get(2);
    assertThat(warning.path("locations").get(0).path("properties").path("image").asText())
        .isEqualTo(report.results().get(2).image());
    assertThat(warning.path("locations").get(0).has("logicalLocations")).isFalse();
    // Hostile text is data: it round-trips exactly.
    assertThat(results.get(0).path("message").path("text").asText())
        .isEqualTo(report.results().get(0).message());
  }

  @Test
  void output_is_deterministic() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");

    assertThat(new SarifRenderer("1.2.3").render(report))
        .isEqualTo(new SarifRenderer("1.2.3").render(Reports.example("abctl-missing-pull-secret")));
  }

  @Test
  void healthy_example_has_no_results_but_still_lists_the_rules() throws Exception {
    JsonNode sarif = render(Reports.example("healthy-private-registry"));

    assertValid(sarif);
    assertThat(sarif.path("runs").get(0).path("results")).isEmpty();
    assertThat(sarif.path("runs").get(0).path("tool").path("driver").path("rules")).isNotEmpty();
  }

  private static JsonNode render(Report report) throws IOException {
    return JSON.readTree(new SarifRenderer("1.2.3").render(report));
  }

  private static void assertValid(JsonNode sarif) {
    List<Error> errors = schema.validate(sarif);
    assertThat(errors).as(errors.toString()).isEmpty();
  }

  private static JsonNode resultFor(JsonNode run, String rule) {
    for (JsonNode result : run.path("results")) {
      if (result.path("ruleId").asText().equals(rule)) {
        return result;
      }
    }
    throw new AssertionError("no result for " + rule);
  }
}
