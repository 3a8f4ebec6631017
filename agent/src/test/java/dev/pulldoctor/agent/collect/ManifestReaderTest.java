package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the manifest reader makes of the files users hand it: kubectl and helm output of any size up
 * to the documented limit, standard input, and syntax errors placed where an editor shows them.
 */
class ManifestReaderTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path dir;

  @Test
  void a_3_mb_yaml_dump_of_320_job_pods_is_read_whole() throws Exception {
    Path dump = dir.resolve("pods.yaml");
    JobPodDump.write(EXAMPLES, 320, false, dump);
    // Over SnakeYAML's default of 3 MiB of input, which it reported as a syntax error.
    assertThat(Files.size(dump)).isGreaterThan(3L * 1024 * 1024);

    ManifestReader.Manifests read = new ManifestReader().read(List.of(dump));

    assertThat(read.objects())
        .filteredOn(
            o -> o instanceof Pod && o.getMetadata().getName().startsWith("source-acme-check-"))
        .hasSize(321);
    assertThat(read.objects()).hasSize(320 + JobPodDump.exampleObjects(EXAMPLES));
  }

  @Test
  void pods_copied_from_one_template_share_their_repeated_text() throws Exception {
    // 20,000 job pods repeat the same images, commands and environment: the heap holds each once.
    Path dump = dir.resolve("pods.json");
    JobPodDump.write(EXAMPLES, 2, true, dump);

    List<Pod> copies =
        new ManifestReader()
            .read(List.of(dump)).objects().stream()
                .filter(Pod.class::isInstance)
                .map(Pod.class::cast)
                .filter(p -> p.getMetadata().getName().matches("source-acme-check-.*-[01]"))
                .toList();

    assertThat(copies).hasSize(2);
    assertThat(copies.get(1).getSpec().getContainers().get(0).getImage())
        .isSameAs(copies.get(0).getSpec().getContainers().get(0).getImage());
    assertThat(copies.get(1).getMetadata().getName())
        .isNotEqualTo(copies.get(0).getMetadata().getName());
  }

  @Test
  void a_json_list_gives_each_item_its_own_line() throws Exception {
    Path dump = dir.resolve("pods.json");
    Files.writeString(
        dump,
        """
        {
            "apiVersion": "v1",
            "items": [
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "first", "namespace": "airbyte"}
                },
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "second", "namespace": "airbyte"}
                }
            ],
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        }
        """,
        StandardCharsets.UTF_8);

    ManifestReader.Manifests read = new ManifestReader().read(List.of(dump));

    assertThat(read.objects())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("first", "second");
    assertThat(read.origins())
        .containsExactly(
            new ManifestReader.Origin(dump.toString(), 4),
            new ManifestReader.Origin(dump.toString(), 9));
  }

  @Test
  void helm_template_output_skips_comment_only_and_empty_documents() throws Exception {
    Path rendered = dir.resolve("rendered.yaml");
    Files.writeString(
        rendered,
        """
        ---
        # Source: airbyte/templates/empty-when-disabled.yaml
        ---
        # Source: airbyte/templates/serviceaccount.yaml
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: airbyte-admin
        ---
        ---
        # Source: airbyte/templates/secret.yaml
        apiVersion: v1
        kind: Secret
        metadata:
          name: regcred
        type: kubernetes.io/dockerconfigjson
        ---
        """,
        StandardCharsets.UTF_8);

    ManifestReader.Manifests read = new ManifestReader().read(List.of(rendered));

    assertThat(read.objects())
        .extracting(HasMetadata::getKind)
        .containsExactly("ServiceAccount", "Secret");
    assertThat(read.origins()).extracting(ManifestReader.Origin::line).containsExactly(5, 12);
  }

  @Test
  void a_tab_is_placed_on_its_own_line_and_column() throws Exception {
    Path file = dir.resolve("tabbed.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n\tnamespace: airbyte\n",
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new ManifestReader().read(List.of(file)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ":5:1: invalid YAML");
  }

  @Test
  void an_unclosed_quote_is_placed_where_the_editor_shows_it() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: 'hunter2\n",
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new ManifestReader().read(List.of(file)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ":7:1: invalid YAML")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void a_json_syntax_error_names_its_line_and_column() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(
        file,
        """
        {
          "apiVersion": "v1",
          "kind": "Secret",
          "data": {"password": hunter2}
        }
        """,
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new ManifestReader().read(List.of(file)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ":4:24: invalid JSON")
        .hasMessageContaining("invalid JSON")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void a_file_over_the_limit_is_refused_with_its_size_and_the_limit() throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(513L * 1024 * 1024);
    }

    assertThatThrownBy(() -> new ManifestReader().read(List.of(file)))
        .isInstanceOf(InputException.class)
        .hasMessage(file + " is 513 MiB, over the limit of 512 MiB");
  }

  @Test
  void standard_input_is_read_as_json_or_yaml_and_named_stdin() throws Exception {
    String podList =
        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\","
            + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"from-json\"}}]}";
    String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\n";

    ManifestReader.Manifests json = fromStdin(podList).read(List.of(Path.of("-")));
    ManifestReader.Manifests yaml = fromStdin("\n# a comment\n" + pod).read(List.of(Path.of("-")));

    assertThat(json.objects()).singleElement().isInstanceOf(Pod.class);
    assertThat(json.origins()).containsExactly(new ManifestReader.Origin("stdin", 1));
    assertThat(yaml.objects())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("from-yaml");
    assertThat(yaml.origins()).containsExactly(new ManifestReader.Origin("stdin", 3));
  }

  @Test
  void standard_input_over_the_limit_is_refused() {
    byte[] big = "apiVersion: v1\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    ManifestReader reader = new ManifestReader(() -> new ByteArrayInputStream(big), 1024 * 1024);
    ManifestReader small = new ManifestReader(() -> new ByteArrayInputStream(big), 1024);

    assertThatThrownBy(() -> small.read(List.of(Path.of("-"))))
        .isInstanceOf(InputException.class)
        .hasMessage("stdin is over the limit of 0.1 MiB");
    // The same input under a limit it fits is read, and fails only for what it is.
    assertThatThrownBy(() -> reader.read(List.of(Path.of("-"))))
        .isInstanceOf(InputException.class)
        .hasMessageNotContaining("limit");
  }

  private static ManifestReader fromStdin(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new ManifestReader(() -> stream(bytes), ManifestReader.MAX_FILE_BYTES);
  }

  private static InputStream stream(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  @Test
  void sizes_are_whole_mebibytes_or_rounded_up_to_a_tenth() {
    assertThat(ManifestReader.mebibytes(512L * 1024 * 1024)).isEqualTo("512");
    assertThat(ManifestReader.mebibytes(512L * 1024 * 1024 + 1)).isEqualTo("512.1");
  }
}
