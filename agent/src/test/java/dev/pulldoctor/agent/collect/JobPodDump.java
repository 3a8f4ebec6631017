package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A {@code kubectl get pods -o json|yaml} dump of a busy Airbyte namespace, written as one {@code
 * kind: List} the way kubectl writes it ({@code apiVersion}, {@code items}, {@code kind}): every
 * object of the {@code healthy-private-registry} example, then copies of its connector job pod,
 * each with its own name and uid. Written as a stream, so the test or bench that writes it does not
 * hold it either. Used by the manifest reader's tests and the {@code manifests} bench section.
 */
public final class JobPodDump {
  private static final String EXAMPLE = "healthy-private-registry";
  private static final String JOB_POD = "source-acme-check-";

  private JobPodDump() {}

  /**
   * Writes the dump.
   *
   * @param examples the repository's {@code examples} directory
   * @param jobPods how many copies of the job pod
   * @param json JSON (kubectl's four-space indentation) or YAML
   */
  public static void write(Path examples, int jobPods, boolean json, Path out) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(examples.resolve(EXAMPLE))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        yaml.readTree(file.toFile()).path("items").forEach(objects::add);
      }
    }
    ObjectNode template =
        (ObjectNode)
            objects.stream()
                .filter(o -> o.path("kind").asText().equals("Pod"))
                .filter(o -> o.path("metadata").path("name").asText().startsWith(JOB_POD))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no job pod in " + EXAMPLE));
    JsonFactory factory =
        json
            ? new JsonFactory()
            : YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .build();
    ObjectMapper mapper = new ObjectMapper(factory);
    try (OutputStream stream = Files.newOutputStream(out);
        JsonGenerator generator = factory.createGenerator(stream)) {
      if (json) {
        DefaultIndenter fourSpaces = new DefaultIndenter("    ", "\n");
        generator.setPrettyPrinter(
            new DefaultPrettyPrinter()
                .withObjectIndenter(fourSpaces)
                .withArrayIndenter(fourSpaces));
      }
      generator.writeStartObject();
      generator.writeStringField("apiVersion", "v1");
      generator.writeArrayFieldStart("items");
      for (JsonNode object : objects) {
        mapper.writeTree(generator, object);
      }
      String name = template.path("metadata").path("name").asText();
      for (int i = 0; i < jobPods; i++) {
        ObjectNode copy = template.deepCopy();
        ObjectNode metadata = (ObjectNode) copy.get("metadata");
        metadata.put("name", name + "-" + i);
        metadata.put(
            "uid",
            UUID.nameUUIDFromBytes(("job-pod-" + i).getBytes(StandardCharsets.UTF_8)).toString());
        mapper.writeTree(generator, copy);
      }
      generator.writeEndArray();
      generator.writeStringField("kind", "List");
      generator.writeObjectFieldStart("metadata");
      generator.writeStringField("resourceVersion", "");
      generator.writeEndObject();
      generator.writeEndObject();
    }
  }

  /** How many objects of the example the dump holds besides the job pod copies. */
  public static int exampleObjects(Path examples) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    int count = 0;
    try (Stream<Path> files = Files.list(examples.resolve(EXAMPLE))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        count += yaml.readTree(file.toFile()).path("items").size();
      }
    }
    return count;
  }
}
