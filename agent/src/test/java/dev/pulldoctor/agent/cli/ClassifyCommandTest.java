package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pulldoctor classify}: one message or a JSON-lines file, text or JSON out. */
class ClassifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCKER_HUB_DENIED =
      "Failed to pull image \"suedostcargo-web\": Error response from daemon: pull access denied"
          + " for suedostcargo-web, repository does not exist or may require 'docker login':"
          + " denied: requested access to the resource is denied";
  private static final String DNS =
      "Failed to pull image \"nginx\": rpc error: code = Unknown desc = failed to pull and unpack"
          + " image \"docker.io/library/nginx:latest\": failed to resolve reference"
          + " \"docker.io/library/nginx:latest\": failed to do request: Head"
          + " \"https://registry-1.docker.io/v2/library/nginx/manifests/latest\": dial tcp: lookup"
          + " registry-1.docker.io on 172.18.0.1:53: read udp 172.18.0.2:36585->172.18.0.1:53:"
          + " i/o timeout";

  @TempDir Path dir;

  @Test
  void one_message_prints_cause_and_explanation() {
    CliRun run = CliRun.of("classify", DNS);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("network_dns: The nodes could not resolve the registry's host name.")
        .contains("See registry.reachable.")
        .hasLineCount(1);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void an_ambiguous_message_names_both_causes() {
    CliRun run = CliRun.of("classify", DOCKER_HUB_DENIED);

    assertThat(run.out())
        .startsWith("not_found: ")
        .contains("does not exist")
        .contains("credentials are missing or not accepted")
        .contains("See registry.image-exists, pullsecret.registry-match.");
  }

  @Test
  void one_message_as_json() throws IOException {
    CliRun run = CliRun.of("classify", "-o", "json", DOCKER_HUB_DENIED);

    JsonNode node = JSON.readTree(run.out());
    assertThat(node.get("message").asText()).isEqualTo(DOCKER_HUB_DENIED);
    assertThat(node.get("cause").asText()).isEqualTo("not_found");
    assertThat(node.get("alternatives")).containsExactly(JSON.getNodeFactory().textNode("auth"));
    assertThat(node.get("rule").asText()).isEqualTo("registry.image-exists");
    assertThat(node.get("explanation").asText()).contains("either the repository name or tag");
  }

  @Test
  void a_message_without_cause_has_a_null_rule() throws IOException {
    CliRun run = CliRun.of("classify", "-o", "json", "Back-off pulling image \"nginx\"");

    JsonNode node = JSON.readTree(run.out());
    assertThat(node.get("cause").asText()).isEqualTo("other");
    assertThat(node.get("rule").isNull()).isTrue();
    assertThat(node.get("alternatives")).isEmpty();
  }

  @Test
  void a_file_gives_one_json_object_per_line_in_order() throws IOException {
    Path file =
        write(
            "messages.jsonl",
            JSON.writeValueAsString(Map.of("message", DNS, "source", "a")),
            "",
            JSON.writeValueAsString(Map.of("message", DOCKER_HUB_DENIED)),
            "{\"message\": \"Error: ErrImageNeverPull\"}");

    CliRun run = CliRun.of("classify", "-f", file.toString());

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(JSON.readTree(lines.get(0)).get("cause").asText()).isEqualTo("network_dns");
    assertThat(JSON.readTree(lines.get(1)).get("cause").asText()).isEqualTo("not_found");
    assertThat(JSON.readTree(lines.get(2)).get("cause").asText()).isEqualTo("never_pull_policy");
    assertThat(JSON.readTree(lines.get(2)).get("rule").asText()).isEqualTo("kind.pull-policy");
  }

  @Test
  void a_file_as_text() throws IOException {
    Path file =
        write("m.jsonl", "{\"message\": \"x509: certificate signed by unknown authority\"}");

    CliRun run = CliRun.of("classify", "-f", file.toString(), "-o", "text");

    assertThat(run.out()).startsWith("tls: ").hasLineCount(1);
  }

  @Test
  void the_whole_corpus_classifies() {
    Path corpus = Path.of("..", "rules", "src", "test", "resources", "pull-errors.jsonl");

    CliRun run = CliRun.of("classify", "-f", corpus.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).hasSize(69);
  }

  @Test
  void a_malformed_line_names_file_and_line_but_not_its_content() throws IOException {
    Path file =
        write("bad.jsonl", "{\"message\": \"ok\"}", "{\"message\": \"hunter2-canary\", oops}");

    CliRun run = CliRun.of("classify", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("bad.jsonl:2:").contains("malformed JSON").hasLineCount(1);
    assertThat(run.err()).doesNotContain("hunter2").doesNotContain("oops");
  }

  @Test
  void a_line_without_a_message_field_is_bad_input() throws IOException {
    Path file = write("nomsg.jsonl", "{\"text\": \"hunter2-canary\"}");

    CliRun run = CliRun.of("classify", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("nomsg.jsonl:1: expected a JSON object with a string field \"message\"")
        .doesNotContain("hunter2");
  }

  @Test
  void a_json_value_that_is_not_an_object_is_bad_input() throws IOException {
    Path file = write("array.jsonl", "[\"hunter2-canary\"]");

    CliRun run = CliRun.of("classify", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("array.jsonl:1:").doesNotContain("hunter2");
  }

  @Test
  void a_missing_file_is_named() {
    CliRun run = CliRun.of("classify", "-f", dir.resolve("nope.jsonl").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope.jsonl").contains("no such file").hasLineCount(1);
  }

  @Test
  void a_file_that_is_not_utf8_is_bad_input() throws IOException {
    Path file = dir.resolve("latin1.jsonl");
    Files.write(file, new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xff, '"', '}', '\n'});

    CliRun run = CliRun.of("classify", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("latin1.jsonl").contains("not UTF-8");
  }

  @Test
  void a_directory_is_bad_input() {
    CliRun run = CliRun.of("classify", "-f", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read").hasLineCount(1);
  }

  @Test
  void needs_exactly_one_of_message_and_file() throws IOException {
    assertThat(CliRun.of("classify").exitCode()).isEqualTo(2);
    CliRun both =
        CliRun.of("classify", "-f", write("x.jsonl", "{\"message\":\"a\"}").toString(), "msg");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("either a MESSAGE or -f FILE.jsonl").hasLineCount(1);
  }

  @Test
  void unknown_output_format_is_a_usage_error() {
    CliRun run = CliRun.of("classify", "-o", "xml", DNS);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("xml").hasLineCount(1);
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
