package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads Kubernetes objects from files and directories the way {@code kubectl get -o yaml} writes
 * them: multi-document YAML, {@code kind: List}, JSON objects and JSON lists. Errors name the file
 * and line, but never quote the content: these files hold secrets.
 */
public final class ManifestReader {
  private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
  // After these words SnakeYAML appends input as it is; elsewhere, any character that is not part
  // of its own wording starts input.
  private static final Pattern UNQUOTED_INPUT =
      Pattern.compile(
          "(?<=\\b(?:alias|anchor|handle|tag|directive|escape character))\\s.*|[^A-Za-z0-9"
              + " ,;:'…()<>-].*");

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  // The builder leaves out two defaults of new YAMLFactory() that kubectl and helm output needs:
  // an empty value ("volumeMounts:" with nothing after it) is null, not "", and a comment-only
  // document (helm template prints one per template that renders nothing) is no document. SnakeYAML
  // also stops at 3 MiB of input unless told the real limit.
  private final ObjectMapper yaml =
      new ObjectMapper(
          YAMLFactory.builder()
              .loaderOptions(loaderOptions())
              .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
              .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
              .build());
  private final ObjectMapper json =
      new ObjectMapper(
          JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build());

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) MAX_FILE_BYTES);
    return options;
  }

  /** What was read: the objects of known kinds, in file order, and how many were ignored. */
  public record Manifests(List<HasMetadata> objects, List<Path> files, int ignored) {
    public Manifests {
      objects = List.copyOf(objects);
      files = List.copyOf(files);
    }
  }

  public Manifests read(List<Path> paths) throws InputException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      files.addAll(expand(path));
    }
    List<HasMetadata> objects = new ArrayList<>();
    int ignored = 0;
    for (Path file : files) {
      for (JsonNode item : documents(file)) {
        HasMetadata object = toObject(file, item);
        if (object == null) {
          ignored++;
        } else {
          objects.add(object);
        }
      }
    }
    return new Manifests(objects, files, ignored);
  }

  private static List<Path> expand(Path path) throws InputException {
    if (!Files.exists(path)) {
      throw new InputException("--manifests: no such file or directory: " + path);
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      List<Path> files =
          walk.filter(Files::isRegularFile)
              .filter(ManifestReader::isManifest)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw new InputException("--manifests: no .yaml, .yml or .json files in directory " + path);
      }
      return files;
    } catch (IOException e) {
      throw new InputException(
          "--manifests: cannot read directory " + path + ": " + e.getClass().getSimpleName());
    }
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /** Every object of the file: documents, with List items and JSON arrays flattened. */
  private List<JsonNode> documents(Path file) throws InputException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InputException(file + ": larger than 64 MiB; split the dump by kind");
      }
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getClass().getSimpleName());
    }
    boolean isJson = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    ObjectMapper mapper = isJson ? json : yaml;
    List<JsonNode> items = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        JsonParser parser = mapper.getFactory().createParser(reader)) {
      while (true) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          break;
        }
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode document = mapper.readTree(parser);
        flatten(file, line, document, items);
      }
    } catch (JsonProcessingException e) {
      throw new InputException(file + ":" + position(e.getLocation()) + ": " + problem(e, isJson));
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getClass().getSimpleName());
    }
    return items;
  }

  private static void flatten(Path file, int line, JsonNode document, List<JsonNode> items)
      throws InputException {
    if (document == null || document.isNull() || document.isMissingNode()) {
      return;
    }
    if (document.isArray()) {
      for (JsonNode item : document) {
        flatten(file, line, item, items);
      }
      return;
    }
    if (!document.isObject()) {
      throw new InputException(
          file
              + ":"
              + line
              + ": expected a Kubernetes object (a mapping with kind and apiVersion)");
    }
    JsonNode kind = document.get("kind");
    if (kind != null
        && kind.isTextual()
        && kind.asText().endsWith("List")
        && document.has("items")) {
      JsonNode list = document.get("items");
      if (list.isArray()) {
        for (JsonNode item : list) {
          flatten(file, line, item, items);
        }
      }
      return;
    }
    if (kind == null || !kind.isTextual() || !document.hasNonNull("apiVersion")) {
      throw new InputException(
          file + ":" + line + ": object without kind or apiVersion (is this a Kubernetes dump?)");
    }
    items.add(document);
  }

  private @Nullable HasMetadata toObject(Path file, JsonNode item) throws InputException {
    KubernetesResource resource;
    try {
      resource = serialization.convertValue(item, KubernetesResource.class);
    } catch (IllegalArgumentException e) {
      String kind = item.path("kind").asText();
      String name = item.path("metadata").path("name").asText("?");
      String path = e.getCause() instanceof JsonMappingException m ? " at " + fieldPath(m) : "";
      throw new InputException(
          file + ": " + kind + " " + name + ": not a valid " + kind + " object" + path);
    }
    if (!(resource instanceof HasMetadata object) || object.getMetadata() == null) {
      return null;
    }
    return isGeneric(object) ? null : object;
  }

  private static boolean isGeneric(HasMetadata object) {
    return object instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource;
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "(top level)" : path.substring(1);
  }

  private static String position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return location.getLineNr() + ":" + location.getColumnNr();
  }

  /**
   * A description of a syntax error that never quotes the input: Jackson puts offending tokens in
   * its messages ("Unrecognized token 'hunter2'"), and SnakeYAML quotes context lines.
   */
  private static String problem(JsonProcessingException e, boolean isJson) {
    Throwable cause = e.getCause();
    if (cause instanceof MarkedYAMLException yamlError && yamlError.getProblem() != null) {
      return "invalid YAML: " + withoutQuotes(yamlError.getProblem());
    }
    return isJson ? "invalid JSON" : "invalid YAML";
  }

  /**
   * Drops fragments that may be file content from a parser's problem text: quoted parts, and
   * whatever follows a word that SnakeYAML completes with input unquoted ("found undefined alias
   * hunter2", "found undefined tag handle !x!") or a character outside plain words.
   */
  static String withoutQuotes(String problem) {
    String text =
        problem
            .replaceAll("'[^']*'", "'…'")
            .replaceAll("\"[^\"]*\"", "\"…\"")
            .replaceAll("[\\r\\n\\t]+", " ")
            .strip();
    Matcher unquoted = UNQUOTED_INPUT.matcher(text);
    return unquoted.find() ? text.substring(0, unquoted.start()).strip() : text;
  }
}
