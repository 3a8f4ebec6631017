package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.airbyte.FakeAirbyte;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance runs of issue 8: {@code diagnose --manifests … --airbyte-url … -o json} lists the
 * custom connectors' images and checks each; a wrong secret is an {@code airbyte.api} error naming
 * the credential source while the other rules still run.
 */
class AirbyteApiCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "8a5b2c3d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
  private static final String SECRET = "client-secret-for-the-cli-test";
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.cli.token";
  private static final String ACME = "registry.example.com/data-team/source-acme:1.2.0";
  private static final String ACME_PINNED = "registry.example.com/data-team/source-acme:1.1.0";
  private static final String WAREHOUSE = "data-team/destination-warehouse:0.4.1";

  @TempDir Path dir;
  FakeAirbyte airbyte;
  Path secretFile;

  @BeforeEach
  void start() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);
    secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n", StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    airbyte.close();
  }

  @Test
  void lists_exactly_the_custom_connector_images_and_checks_each() throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            ID,
            "--airbyte-client-secret-file",
            secretFile.toString(),
            "-o",
            "json");

    JsonNode report = JSON.readTree(run.out());
    // The pod of the example runs Acme API 1.2.0; Airbyte adds the destination and the pinned
    // version, and nothing of its registry connectors.
    assertThat(texts(report.path("images"))).containsExactly(ACME, WAREHOUSE, ACME_PINNED);
    JsonNode api = result(report, "airbyte.api");
    assertThat(api.path("status").asText()).isEqualTo("pass");
    assertThat(api.path("message").asText())
        .startsWith(
            "Airbyte's API at "
                + airbyte.url()
                + " lists 2 custom connectors and 1 actor pinned to other versions (credentials:"
                + " --airbyte-client-id/--airbyte-client-secret-file)");
    assertThat(api.path("evidence").path("count").asInt()).isEqualTo(2);
    for (String image : List.of(ACME, WAREHOUSE, ACME_PINNED)) {
      assertThat(resultsFor(report, image))
          .as("rules run on " + image)
          .contains("image.reference", "pullsecret.registry-match");
    }
    JsonNode warehouse = detail(report, WAREHOUSE);
    assertThat(warehouse.path("origin").asText()).isEqualTo("airbyte_api");
    assertThat(warehouse.path("connectors").get(0).path("name").asText())
        .isEqualTo("Acme Warehouse");
    assertThat(warehouse.path("connectors").get(0).path("kind").asText()).isEqualTo("destination");
    assertThat(warehouse.path("connectors").get(0).path("workspace").asText())
        .isEqualTo("Analytics");
    JsonNode acme = detail(report, ACME);
    assertThat(acme.path("origin").asText()).isEqualTo("pod");
    assertThat(acme.path("connectors").get(0).path("name").asText()).isEqualTo("Acme API");
    assertThat(detail(report, ACME_PINNED).path("connectors").get(0).path("actor").asText())
        .isEqualTo("acme-prod");
    // Docker Hub is not covered by the example's pull secret: a real finding about a connector
    // no pod ran yet.
    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
  }

  @Test
  void a_wrong_secret_is_an_error_naming_the_source_and_the_other_rules_still_run()
      throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-secret", StandardCharsets.UTF_8);

    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            ID,
            "--airbyte-client-secret-file",
            wrong.toString(),
            "--image",
            "registry.example.com/data-team/destination-lake:2.0.0",
            "-o",
            "json");

    JsonNode report = JSON.readTree(run.out());
    JsonNode api = result(report, "airbyte.api");
    assertThat(api.path("status").asText()).isEqualTo("error");
    assertThat(api.path("message").asText())
        .contains("rejected the credentials")
        .contains("401 Unauthorized for the client id and secret from")
        .contains("--airbyte-client-id/--airbyte-client-secret-file");
    assertThat(texts(report.path("images")))
        .containsExactly("registry.example.com/data-team/destination-lake:2.0.0");
    assertThat(resultsFor(report, "registry.example.com/data-team/destination-lake:2.0.0"))
        .contains("pullsecret.registry-match", "image.reference");
    assertThat(result(report, "pullsecret.exists").path("status").asText()).isEqualTo("pass");
    // The registry probe runs too; the test run resolves nothing beyond loopback.
    assertThat(result(report, "registry.reachable").path("status").asText()).isEqualTo("fail");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
  }

  @Test
  void table_and_markdown_name_the_connectors() {
    String[] args = {
      "diagnose",
      "--manifests",
      CliRun.example("healthy-private-registry"),
      "--airbyte-url",
      airbyte.url(),
      "--airbyte-client-id",
      ID,
      "--airbyte-client-secret-file",
      secretFile.toString(),
      "-o",
      ""
    };
    args[args.length - 1] = "table";
    assertThat(CliRun.of(args).out().replaceAll("\\s+", " "))
        .contains("FAIL pullsecret.registry-match · " + WAREHOUSE)
        .contains(WAREHOUSE + " · Acme Warehouse (destination, workspace Analytics)");
    args[args.length - 1] = "markdown";
    assertThat(CliRun.of(args).out())
        .contains(
            WAREHOUSE + ", custom connector Acme Warehouse (destination, workspace Analytics)");
  }

  @Test
  void a_bundle_keeps_the_discovered_connectors_and_analyze_checks_them_offline() throws Exception {
    Path bundle = dir.resolve("bundle.tar.gz");
    CliRun create =
        CliRun.of(
            "bundle",
            "create",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            ID,
            "--airbyte-client-secret-file",
            secretFile.toString(),
            "-f",
            bundle.toString());
    assertThat(create.exitCode()).as(create.err()).isZero();
    int asked = airbyte.requests().size();

    CliRun analyze = CliRun.of("analyze", bundle.toString(), "-o", "json");

    JsonNode report = JSON.readTree(analyze.out());
    assertThat(texts(report.path("images"))).containsExactly(ACME, WAREHOUSE, ACME_PINNED);
    assertThat(result(report, "airbyte.api").path("message").asText())
        .contains("lists 2 custom connectors");
    assertThat(detail(report, WAREHOUSE).path("connectors").get(0).path("workspace").asText())
        .isEqualTo("Analytics");
    assertThat(airbyte.requests()).hasSize(asked);
  }

  @Test
  void offline_asks_nothing() throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--offline",
            "-o",
            "json");

    assertThat(result(JSON.readTree(run.out()), "airbyte.api").path("status").asText())
        .isEqualTo("skip");
    assertThat(airbyte.requests()).isEmpty();
  }

  @Test
  void a_secret_on_the_command_line_is_refused_without_being_repeated() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            ID,
            "--airbyte-client-secret",
            SECRET);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--airbyte-client-secret-file").doesNotContain(SECRET);
    assertThat(run.out()).doesNotContain(SECRET);
    assertThat(airbyte.requests()).isEmpty();
  }

  @Test
  void bad_flags_are_usage_errors() {
    assertThat(
            CliRun.of(
                    "diagnose",
                    "--manifests",
                    CliRun.example("healthy-private-registry"),
                    "--airbyte-client-id",
                    ID)
                .err())
        .contains("--airbyte-client-id and --airbyte-client-secret-file go together");
    CliRun ftp =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            "ftp://airbyte.example.com");
    assertThat(ftp.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(ftp.err()).contains("use an http:// or https:// address");
    CliRun userInfo =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            "http://admin:hunter2@localhost:8000");
    assertThat(userInfo.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(userInfo.err()).contains("leave credentials out of the URL");
  }

  @Test
  void an_unreadable_secret_file_is_bad_input() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            ID,
            "--airbyte-client-secret-file",
            dir.resolve("missing").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--airbyte-client-secret-file: cannot read");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static JsonNode result(JsonNode report, String rule) {
    for (JsonNode result : report.path("results")) {
      if (result.path("rule").asText().equals(rule)) {
        return result;
      }
    }
    throw new AssertionError("no result of " + rule);
  }

  private static List<String> resultsFor(JsonNode report, String image) {
    List<String> rules = new ArrayList<>();
    for (JsonNode result : report.path("results")) {
      if (result.path("image").asText().equals(image)) {
        rules.add(result.path("rule").asText());
      }
    }
    return rules;
  }

  private static JsonNode detail(JsonNode report, String image) {
    for (JsonNode detail : report.path("imageDetails")) {
      if (detail.path("image").asText().equals(image)) {
        return detail;
      }
    }
    throw new AssertionError("no imageDetails for " + image);
  }
}
