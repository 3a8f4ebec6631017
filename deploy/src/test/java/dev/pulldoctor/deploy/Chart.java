package dev.pulldoctor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The Helm chart in {@code helm/pulldoctor}, linted and rendered by Helm itself (helm-java embeds
 * Helm as a native library), and the rendered objects loaded into fabric8's types.
 */
final class Chart {
  static final Path DIR = Path.of("..", "helm", "pulldoctor").toAbsolutePath().normalize();
  static final String RELEASE = "pd";
  static final String NAMESPACE = "airbyte";
  static final String FULLNAME = "pd-pulldoctor";
  // helm-java's Helm assumes Kubernetes 1.20 unless told, which the chart's kubeVersion refuses.
  static final String KUBE_VERSION = "1.31.0";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {}

  /** The value sets of the chart tests, {@code ci/*-values.yaml}. */
  static List<Path> ciValues() {
    try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm template} with a values file (null: the defaults) and {@code --set}s. */
  static String template(@Nullable Path values, Map<String, String> sets) {
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (values != null) {
      template = template.withValuesFile(values);
    }
    for (Map.Entry<String, String> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return template.call();
  }

  static Rendered render(@Nullable Path values) {
    return render(values, Map.of());
  }

  static Rendered render(@Nullable Path values, Map<String, String> sets) {
    return new Rendered(parse(template(values, sets)));
  }

  /** Every document of a multi-document YAML stream, as fabric8 objects. */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.isObject() && document.has("kind")) {
          objects.add(SERIALIZATION.convertValue(document, HasMetadata.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  /**
   * {@code helm lint --strict} with a values file. helm-java's lint takes no values file, so the
   * chart is copied and its values.yaml replaced by the defaults merged with {@code values} (maps
   * merge, anything else is replaced: Helm's rules).
   */
  static LintResult lint(@Nullable Path values, Path scratch) throws IOException {
    if (values == null) {
      return new Helm(DIR).lint().strict().call();
    }
    Path copy = scratch.resolve("pulldoctor");
    copyTree(DIR, copy);
    YAML.writeValue(copy.resolve("values.yaml").toFile(), values(values));
    return new Helm(copy).lint().strict().call();
  }

  /**
   * NOTES.txt as {@code helm install} prints it. Helm renders the notes only when installing, which
   * needs a cluster, so a copy of the chart gets NOTES.txt as a named template and a ConfigMap that
   * includes it: the same template engine, values and release.
   */
  static String notes(Map<String, String> sets, Path scratch) throws IOException {
    Path copy = scratch.resolve("pulldoctor");
    copyTree(DIR, copy);
    Path templates = copy.resolve("templates");
    String notes = Files.readString(templates.resolve("NOTES.txt"));
    Files.writeString(
        templates.resolve("_notes-under-test.tpl"),
        "{{- define \"notes-under-test\" -}}\n" + notes + "\n{{- end }}\n");
    Files.writeString(
        templates.resolve("notes-under-test.yaml"),
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: notes-under-test
        data:
          notes: {{ include "notes-under-test" . | quote }}
        """);
    TemplateCommand template =
        new Helm(copy)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Map.Entry<String, String> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return new Rendered(parse(template.call()))
        .all(io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().equals("notes-under-test"))
            .findFirst()
            .orElseThrow()
            .getData()
            .get("notes");
  }

  /** The chart's appVersion: the image tag the chart runs unless told otherwise. */
  static String appVersion() {
    try {
      return YAML.readTree(DIR.resolve("Chart.yaml").toFile()).get("appVersion").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values a rendering sees: the chart's defaults, merged with {@code values} if given. */
  static JsonNode values(@Nullable Path values) {
    try {
      JsonNode merged = YAML.readTree(DIR.resolve("values.yaml").toFile());
      if (values != null) {
        JsonNode overrides = YAML.readTree(values.toFile());
        if (overrides != null && overrides.isObject()) {
          merge((ObjectNode) merged, (ObjectNode) overrides);
        }
      }
      return merged;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    for (Map.Entry<String, JsonNode> field : from.properties()) {
      JsonNode existing = into.get(field.getKey());
      if (existing != null && existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  /** The objects of one rendering. */
  record Rendered(List<HasMetadata> objects) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found);
      }
      return found.get(0);
    }

    List<HasMetadata> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }
  }
}
