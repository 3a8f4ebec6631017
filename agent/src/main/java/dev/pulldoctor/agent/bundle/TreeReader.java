package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Parses the JSON and YAML files of an untrusted bundle into trees, counting every token against
 * one budget for the whole bundle ({@link Budget}) so that a small archive of empty objects cannot
 * expand into a heap of nodes, and handing over the items of a List one at a time so that only one
 * item's tree is held at once. Errors give the file and position, never the content.
 */
final class TreeReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 64;

  /**
   * JSON/YAML values in one object of a List: 140 times a job pod of the benchmark (about 700), 20
   * times a node listing 500 images. Bounds the tree held while one object is read.
   */
  static final int MAX_OBJECT_VALUES = 100_000;

  /**
   * Objects and lists in a whole bundle, the values that cost most memory once read (an empty
   * {@code {}} becomes a Kubernetes object with its empty lists): about twice the 270,000 of the
   * benchmark's bundle of 2,000 job pods and 10,000 events.
   */
  static final int MAX_CONTAINERS = 600_000;

  private final BundleLimits limits;
  private final JsonFactory json;
  private final YAMLFactory yaml;

  TreeReader(BundleLimits limits) {
    this.limits = limits;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxDocumentLength(limits.maxFileBytes())
            .maxTokenCount(limits.maxTokens())
            .build();
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(constraints)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()));
    loader.setNestingDepthLimit(MAX_DEPTH);
    loader.setMaxAliasesForCollections(10);
    this.yaml =
        YAMLFactory.builder()
            .loaderOptions(loader)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .streamReadConstraints(constraints)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
  }

  /** The token budget of one bundle: every file read with it counts against it. */
  Budget budget() {
    return new Budget();
  }

  /** A whole document, which must be a JSON object. */
  ObjectNode document(String file, byte[] content, Budget budget) throws BundleFormatException {
    try (JsonParser parser = parser(file, content)) {
      budget.file = file;
      JsonToken first = budget.next(parser);
      if (first != JsonToken.START_OBJECT) {
        throw new BundleFormatException(file + ": expected a JSON object");
      }
      return (ObjectNode) value(parser, first, budget, 1);
    } catch (JsonProcessingException e) {
      throw invalid(file, e);
    } catch (IOException e) {
      throw new BundleFormatException(
          file + ": cannot be parsed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Takes each item of a List as soon as it is parsed. */
  interface ItemConsumer {
    void accept(int index, ObjectNode item) throws BundleFormatException;
  }

  /**
   * The {@code items} of a {@code kind: List} document, each an object, given to {@code each} one
   * at a time.
   */
  void items(String file, byte[] content, Budget budget, ItemConsumer each)
      throws BundleFormatException {
    int items = 0;
    try (JsonParser parser = parser(file, content)) {
      budget.file = file;
      if (budget.next(parser) != JsonToken.START_OBJECT) {
        throw new BundleFormatException(file + ": expected a List object with items");
      }
      JsonToken token;
      while ((token = budget.next(parser)) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = budget.next(parser);
        if (!"items".equals(field)) {
          value(parser, value, budget, 1);
          continue;
        }
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new BundleFormatException(file + ": items is not a list");
        }
        JsonToken item;
        while ((item = budget.next(parser)) != JsonToken.END_ARRAY) {
          if (item != JsonToken.START_OBJECT) {
            throw new BundleFormatException(file + ": item " + items + " is not an object");
          }
          if (items >= limits.maxItems()) {
            throw new BundleFormatException(
                file + ": more than " + limits.maxItems() + " objects in one file");
          }
          budget.objectStart = budget.tokens;
          each.accept(items, (ObjectNode) value(parser, item, budget, 2));
          budget.objectStart = -1;
          items++;
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new BundleFormatException(file + ": expected a List object with items");
      }
    } catch (JsonProcessingException e) {
      throw invalid(file, e);
    } catch (IOException e) {
      throw new BundleFormatException(
          file + ": cannot be parsed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private JsonParser parser(String file, byte[] content) throws IOException {
    return file.endsWith(".json") ? json.createParser(content) : yaml.createParser(content);
  }

  private static JsonNode value(JsonParser parser, JsonToken token, Budget budget, int depth)
      throws IOException, BundleFormatException {
    if (depth > MAX_DEPTH) {
      throw new BundleFormatException(
          budget.file + ": nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        JsonToken next;
        while ((next = budget.next(parser)) == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.set(name, value(parser, budget.next(parser), budget, depth + 1));
        }
        if (next != JsonToken.END_OBJECT) {
          throw unexpected(parser, budget.file);
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        JsonToken next;
        while ((next = budget.next(parser)) != JsonToken.END_ARRAY) {
          array.add(value(parser, next, budget, depth + 1));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(parser.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw unexpected(parser, budget.file);
    }
  }

  private static BundleFormatException unexpected(JsonParser parser, String file) {
    return new BundleFormatException(
        file + ":" + position(parser.currentTokenLocation()) + ": unexpected content");
  }

  private static BundleFormatException invalid(String file, JsonProcessingException e) {
    String what = file.endsWith(".json") ? "invalid JSON" : "invalid YAML";
    String where = position(e.getLocation());
    return new BundleFormatException(file + (where.isEmpty() ? "" : ":" + where) + ": " + what);
  }

  private static String position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return location.getLineNr() + ":" + location.getColumnNr();
  }

  /**
   * Counts the tokens of a whole bundle; the YAML parser does not enforce Jackson's token limit
   * itself, and a per-file limit would let every file of a bundle spend it again.
   */
  final class Budget {
    private String file = "";
    private long tokens;
    private long containers;
    private long objectStart = -1;

    private Budget() {}

    JsonToken next(JsonParser parser) throws IOException, BundleFormatException {
      if (++tokens > limits.maxTokens()) {
        throw new BundleFormatException(
            file
                + ": the bundle has more than "
                + limits.maxTokens()
                + " JSON/YAML values in all; too large to analyze");
      }
      if (objectStart >= 0 && tokens - objectStart > MAX_OBJECT_VALUES) {
        throw new BundleFormatException(
            file
                + ": an object has more than "
                + MAX_OBJECT_VALUES
                + " JSON/YAML values; no Kubernetes object of a bundle is that large");
      }
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new BundleFormatException(file + ": ends early");
      }
      if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
          && ++containers > MAX_CONTAINERS) {
        throw new BundleFormatException(
            file
                + ": the bundle has more than "
                + MAX_CONTAINERS
                + " JSON/YAML objects and lists in all; too large to analyze");
      }
      return token;
    }
  }
}
