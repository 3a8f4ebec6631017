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
import dev.pulldoctor.rules.model.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    assertThat(driver.path("informationUri").asText())
        .isEqualTo("https://github.com/pulldoctor/pulldoctor");
    assertThat(driver.path("rules")).hasSize(Rules.all().size());
    JsonNode rule = driver.path("rules").get(Rules.ids().indexOf("pullsecret.exists"));
    assertThat(rule.path("id").asText()).isEqualTo("pullsecret.exists");
    assertThat(rule.path("name").asText()).isEqualTo("PullsecretExists");
    assertThat(rule.path("shortDescription").path("text").asText())
        .isEqualTo(Rules.byId("pullsecret.exists").orElseThrow().info().title());
    assertThat(rule.path("help").path("text").asText()).isNotBlank();
    assertThat(rule.path("helpUri").asText())
        .isEqualTo(
            "https://github.com/pulldoctor/pulldoctor/blob/main/docs/rules.md#pullsecretexists");
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

  @Test
  void every_result_has_what_github_code_scanning_requires() throws Exception {
    for (Report report : List.of(Reports.example("abctl-missing-pull-secret"), Reports.hostile())) {
      JsonNode sarif = render(report);

      assertValid(sarif);
      assertGitHubAccepts(sarif);
    }
  }

  @Test
  void
      a_missing_object_falls_back_to_its_kubernetes_uri_and_a_namespace_wide_result_to_the_namespace()
          throws Exception {
    Report report = Reports.hostile();
    JsonNode results = render(report).path("runs").get(0).path("results");

    JsonNode missing = results.get(0).path("locations").get(0).path("physicalLocation");
    assertThat(missing.path("artifactLocation").path("uri").asText())
        .startsWith("k8s://airbyte/Secret/regcred")
        .doesNotContain(" ", "<", "`");
    assertThat(missing.path("region").path("startLine").asInt()).isEqualTo(1);
    JsonNode noSubject = results.get(2).path("locations").get(0).path("physicalLocation");
    String namespaceUri = noSubject.path("artifactLocation").path("uri").asText();
    assertThat(namespaceUri).startsWith("k8s://airbyte");
    assertThat(namespaceUri.substring("k8s://".length())).doesNotContain("/", " ");
  }

  @Test
  void a_located_object_is_pointed_at_by_file_and_line() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");
    ObjectRef secret = ObjectRef.of("Secret", "airbyte-abctl", "ghcr-creds");
    SourceLocations locations =
        ref ->
            ref.equals(secret)
                ? Optional.of(new SourceLocations.SourceLocation("dump dir/secrets.yaml", 42))
                : Optional.empty();

    JsonNode run =
        JSON.readTree(new SarifRenderer("1.2.3", locations).render(report)).path("runs").get(0);

    JsonNode physical =
        resultFor(run, "pullsecret.exists").path("locations").get(0).path("physicalLocation");
    assertThat(physical.path("artifactLocation").path("uri").asText())
        .isEqualTo("dump dir/secrets.yaml");
    assertThat(physical.path("region").path("startLine").asInt()).isEqualTo(42);
  }

  @Test
  void fingerprints_name_the_finding_not_the_run() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");
    Report later =
        new Report(
            report.generatedAt().plusSeconds(3600),
            report.source(),
            report.airbyte(),
            report.images(),
            report.results(),
            report.summary());

    List<String> first = fingerprints(render(report));
    List<String> second = fingerprints(render(later));

    assertThat(first).isNotEmpty().doesNotHaveDuplicates().isEqualTo(second);
    assertThat(first).allMatch(f -> f.matches("[0-9a-f]{64}"));
  }

  @Test
  void every_help_uri_points_at_a_heading_of_the_rules_doc() throws Exception {
    Set<String> anchors = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("..", "docs", "rules.md"))) {
      Matcher heading = Pattern.compile("^#{1,6} +(.+?) *$").matcher(line);
      if (heading.matches()) {
        // GitHub's rule for heading anchors: lower case, spaces to hyphens, punctuation dropped.
        anchors.add(
            heading
                .group(1)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    JsonNode rules =
        render(Reports.example("abctl-missing-pull-secret"))
            .path("runs")
            .get(0)
            .path("tool")
            .path("driver")
            .path("rules");

    assertThat(rules).hasSize(Rules.all().size());
    for (JsonNode rule : rules) {
      String helpUri = rule.path("helpUri").asText();
      assertThat(helpUri).startsWith(ProjectLinks.DOCS_BASE + "rules.md#");
      assertThat(anchors).as(helpUri).contains(helpUri.substring(helpUri.indexOf('#') + 1));
    }
  }

  /**
   * The fields GitHub code scanning requires of an uploaded file, beyond the schema
   * (docs.github.com, "SARIF support for code scanning"): a tool name, rules with an id and a short
   * description, and on every result a message, a ruleId, one to ten locations whose first has a
   * physical location with a URI and a start line, and partial fingerprints.
   */
  private static void assertGitHubAccepts(JsonNode sarif) throws URISyntaxException {
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    JsonNode run = sarif.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("name").asText()).isNotBlank();
    for (JsonNode rule : run.path("tool").path("driver").path("rules")) {
      assertThat(rule.path("id").asText()).isNotBlank();
      assertThat(rule.path("shortDescription").path("text").asText()).isNotBlank();
    }
    assertThat(run.path("results")).isNotEmpty();
    for (JsonNode result : run.path("results")) {
      assertThat(result.path("ruleId").asText()).isNotBlank();
      assertThat(result.path("message").path("text").asText()).isNotBlank();
      assertThat(result.path("locations").size()).isBetween(1, 10);
      JsonNode physical = result.path("locations").get(0).path("physicalLocation");
      String uri = physical.path("artifactLocation").path("uri").asText();
      assertThat(uri).isNotBlank();
      new URI(uri);
      assertThat(physical.path("region").path("startLine").asInt()).isPositive();
      assertThat(result.path("partialFingerprints").size()).isPositive();
    }
  }

  private static List<String> fingerprints(JsonNode sarif) {
    List<String> all = new ArrayList<>();
    for (JsonNode result : sarif.path("runs").get(0).path("results")) {
      all.add(result.path("partialFingerprints").path(SarifRenderer.FINGERPRINT).asText());
    }
    return all;
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
