package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads Kubernetes objects from files, directories and standard input the way {@code kubectl get -o
 * yaml|json} writes them: multi-document YAML, {@code kind: List}, JSON objects and JSON lists.
 *
 * <p>Files are streamed: one document at a time, and the items of a list one at a time, so a dump
 * of 20,000 pods never sits in memory as text or as one tree. Each object's file and starting line
 * are kept ({@link Origin}). Errors name the file, line and column, but never quote the content:
 * these files hold secrets.
 *
 * <p>Not thread-safe: one reader reads one set of paths at a time.
 */
public final class ManifestReader {
  /** The largest input read, file or standard input (docs/input.md). */
  public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  /** The path that means standard input, as in {@code --manifests -}. */
  public static final String STDIN = "-";

  /** How standard input is named in messages and source locations. */
  public static final String STDIN_NAME = "stdin";

  private static final long MIB = 1024 * 1024;
  // Enough to see past the blank lines and a byte-order mark before the first character.
  private static final int SNIFF_BYTES = 8192;
  private final KubernetesSerialization serialization = KubeSerialization.shared();
  // The builder leaves out two defaults of new YAMLFactory() that kubectl and helm output needs:
  // an empty value ("volumeMounts:" with nothing after it) is null, not "", and a comment-only
  // document (helm template prints one per template that renders nothing) is no document.
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
  private final SharedStrings strings = new SharedStrings();
  private final Supplier<InputStream> stdin;
  private final long maxBytes;

  public ManifestReader() {
    this(() -> System.in, MAX_FILE_BYTES);
  }

  /**
   * A reader with its own standard input and size limit.
   *
   * @param stdin what {@code -} reads
   * @param maxBytes the largest input read
   */
  public ManifestReader(Supplier<InputStream> stdin, long maxBytes) {
    this.stdin = stdin;
    this.maxBytes = maxBytes;
    yaml.setNodeFactory(strings);
    json.setNodeFactory(strings);
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    // SnakeYAML stops at 3 MiB of input by default, with an error that reads like a syntax error at
    // a valid line; the size limit is ours (MAX_FILE_BYTES), checked on the bytes.
    options.setCodePointLimit(Integer.MAX_VALUE);
    return options;
  }

  /**
   * Where an object was read.
   *
   * @param file the path as given (a relative path stays relative), or {@code stdin}
   * @param line the 1-based line the object starts on (for a list item, the item's line)
   */
  public record Origin(String file, int line) {}

  /**
   * What was read: the objects of known kinds, in file order, where each was read ({@code origins},
   * index by index), the files read, and how many objects were ignored.
   */
  public record Manifests(
      List<HasMetadata> objects, List<Origin> origins, List<Path> files, int ignored) {
    public Manifests {
      objects = List.copyOf(objects);
      origins = List.copyOf(origins);
      files = List.copyOf(files);
    }
  }

  /** Whether {@code path} is {@code -}, standard input. */
  public static boolean isStdin(Path path) {
    return path.toString().equals(STDIN);
  }

  public Manifests read(List<Path> paths) throws InputException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      files.addAll(expand(path));
    }
    Sink sink = new Sink();
    try {
      for (Path file : files) {
        readFile(file, sink);
      }
    } finally {
      // The objects keep the strings they share; the index of them is no longer needed.
      strings.clear();
    }
    return new Manifests(sink.objects, sink.origins, files, sink.ignored);
  }

  private static List<Path> expand(Path path) throws InputException {
    if (isStdin(path)) {
      return List.of(path);
    }
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

  /** Reads every object of one file (or of standard input) into {@code sink}. */
  private void readFile(Path file, Sink sink) throws InputException {
    boolean fromStdin = isStdin(file);
    String name = fromStdin ? STDIN_NAME : file.toString();
    if (!fromStdin) {
      checkSize(file);
    }
    try (InputStream in =
        new BufferedInputStream(new CappedInputStream(open(file, fromStdin), maxBytes))) {
      boolean isJson =
          fromStdin
              ? startsLikeJson(in)
              : file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder());
      ObjectMapper mapper = isJson ? json : yaml;
      try (JsonParser parser = mapper.getFactory().createParser(reader)) {
        new Document(name, parser, mapper, sink).readAll();
      } catch (JsonProcessingException e) {
        if (CappedInputStream.isOverLimit(e)) {
          throw overLimit(name);
        }
        throw new InputException(
            name + ":" + ParseErrors.position(e) + ": " + ParseErrors.problem(e, isJson));
      }
    } catch (IOException e) {
      if (CappedInputStream.isOverLimit(e)) {
        throw overLimit(name);
      }
      throw new InputException(name + ": cannot read: " + e.getClass().getSimpleName());
    }
  }

  private void checkSize(Path file) throws InputException {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getClass().getSimpleName());
    }
    if (size > maxBytes) {
      throw new InputException(
          file
              + " is "
              + mebibytes(size)
              + " MiB, over the limit of "
              + mebibytes(maxBytes)
              + " MiB");
    }
  }

  private InputException overLimit(String name) {
    return new InputException(name + " is over the limit of " + mebibytes(maxBytes) + " MiB");
  }

  /** Whole mebibytes, else one decimal rounded up, so a size just over the limit reads as over. */
  static String mebibytes(long bytes) {
    if (bytes % MIB == 0) {
      return Long.toString(bytes / MIB);
    }
    long tenths = (bytes * 10 + MIB - 1) / MIB;
    return tenths / 10 + "." + tenths % 10;
  }

  private InputStream open(Path file, boolean fromStdin) throws IOException {
    if (!fromStdin) {
      return Files.newInputStream(file);
    }
    // Standard input belongs to the process: reading it to the end is fine, closing it is not.
    return new FilterInputStream(stdin.get()) {
      @Override
      public void close() {}
    };
  }

  /** Whether standard input starts like JSON (an object or an array); else it is read as YAML. */
  private static boolean startsLikeJson(InputStream in) throws IOException {
    in.mark(SNIFF_BYTES);
    try {
      for (int i = 0; i < SNIFF_BYTES; i++) {
        int b = in.read();
        if (b < 0) {
          return false;
        }
        // Skip whitespace and the UTF-8 byte-order mark (EF BB BF).
        if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB
            || b == 0xBF) {
          continue;
        }
        return b == '{' || b == '[';
      }
      return false;
    } finally {
      in.reset();
    }
  }

  /** The objects read so far, where each was read, and how many were ignored. */
  private static final class Sink {
    final List<HasMetadata> objects = new ArrayList<>();
    final List<Origin> origins = new ArrayList<>();
    int ignored;

    int mark() {
      return objects.size();
    }

    /** Forgets the objects added since {@code mark}. */
    void truncate(int mark, int ignoredBefore) {
      objects.subList(mark, objects.size()).clear();
      origins.subList(mark, origins.size()).clear();
      ignored = ignoredBefore;
    }
  }

  /** One file's stream of documents, read token by token. */
  private final class Document {
    private final String name;
    private final JsonParser parser;
    private final ObjectMapper mapper;
    private final Sink sink;

    Document(String name, JsonParser parser, ObjectMapper mapper, Sink sink) {
      this.name = name;
      this.parser = parser;
      this.mapper = mapper;
      this.sink = sink;
    }

    void readAll() throws IOException, InputException {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        value(token);
      }
    }

    /** A document or an element of a JSON array: an object, a list of them, or nothing. */
    private void value(JsonToken token) throws IOException, InputException {
      int line = parser.currentTokenLocation().getLineNr();
      switch (token) {
        case VALUE_NULL -> {
          // An empty or comment-only document: a trailing '---', or helm template's output of a
          // template that renders nothing.
        }
        case START_ARRAY -> {
          for (JsonToken element = parser.nextToken();
              element != JsonToken.END_ARRAY;
              element = parser.nextToken()) {
            value(Objects.requireNonNull(element, "the parser ends arrays before the input"));
          }
        }
        case START_OBJECT -> object(line);
        default -> throw notAnObject(line);
      }
    }

    /**
     * An object, read field by field; the elements of an {@code items} array are converted one by
     * one as they come, so a list's items are never all held as trees.
     */
    private void object(int line) throws IOException, InputException {
      ObjectNode fields = mapper.createObjectNode();
      int mark = sink.mark();
      int ignoredBefore = sink.ignored;
      boolean hasItems = false;
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("items") && value == JsonToken.START_ARRAY && !hasItems) {
          hasItems = true;
          for (JsonToken item = parser.nextToken();
              item != JsonToken.END_ARRAY;
              item = parser.nextToken()) {
            int itemLine = parser.currentTokenLocation().getLineNr();
            flatten(itemLine, tree());
          }
        } else {
          fields.set(field, tree());
        }
      }
      JsonNode kind = fields.get("kind");
      boolean isList = kind == null || (kind.isTextual() && kind.asText().endsWith("List"));
      if (hasItems && isList) {
        // kubectl writes "items" before "kind": the items were taken as they came.
        return;
      }
      if (hasItems) {
        // Not a list after all (a custom kind with a top-level "items"): an object of a kind
        // pulldoctor does not read, so neither it nor what looked like items count.
        sink.truncate(mark, ignoredBefore);
        sink.ignored++;
        return;
      }
      flatten(line, fields);
    }

    private JsonNode tree() throws IOException {
      JsonNode node = mapper.readTree(parser);
      return node == null ? NullNode.getInstance() : node;
    }

    /** Adds one object, or the items of a list given as a whole tree (a list inside a list). */
    private void flatten(int line, JsonNode document) throws InputException {
      if (document.isNull() || document.isMissingNode()) {
        return;
      }
      if (document.isArray()) {
        for (JsonNode item : document) {
          flatten(line, item);
        }
        return;
      }
      if (!document.isObject()) {
        throw notAnObject(line);
      }
      JsonNode kind = document.get("kind");
      if (kind != null
          && kind.isTextual()
          && kind.asText().endsWith("List")
          && document.has("items")) {
        JsonNode list = document.get("items");
        if (list.isArray()) {
          for (JsonNode item : list) {
            flatten(line, item);
          }
        }
        return;
      }
      if (kind == null || !kind.isTextual() || !document.hasNonNull("apiVersion")) {
        throw new InputException(
            name + ":" + line + ": object without kind or apiVersion (is this a Kubernetes dump?)");
      }
      HasMetadata object = toObject(line, document);
      if (object == null) {
        sink.ignored++;
      } else {
        sink.objects.add(object);
        sink.origins.add(new Origin(name, line));
      }
    }

    private InputException notAnObject(int line) {
      return new InputException(
          name
              + ":"
              + line
              + ": expected a Kubernetes object (a mapping with kind and apiVersion)");
    }

    private @Nullable HasMetadata toObject(int line, JsonNode item) throws InputException {
      KubernetesResource resource;
      try {
        resource = serialization.convertValue(item, KubernetesResource.class);
      } catch (IllegalArgumentException e) {
        String kind = item.path("kind").asText();
        String objectName = item.path("metadata").path("name").asText("?");
        String path =
            e.getCause() instanceof JsonMappingException m ? " at " + ParseErrors.fieldPath(m) : "";
        throw new InputException(
            name
                + ":"
                + line
                + ": "
                + kind
                + " "
                + objectName
                + ": not a valid "
                + kind
                + " object"
                + path);
      }
      if (!(resource instanceof HasMetadata object) || object.getMetadata() == null) {
        return null;
      }
      return object instanceof GenericKubernetesResource ? null : object;
    }
  }
}
