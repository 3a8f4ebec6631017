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
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Parses the JSON and YAML files of an untrusted bundle into trees, counting every token so that a
 * small file of empty objects cannot expand into a heap of nodes. Errors give the file and
 * position, never the content.
 */
final class TreeReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 64;

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

  /** A whole document, which must be a JSON object. */
  ObjectNode document(String file, byte[] content) throws BundleFormatException {
    try (JsonParser parser = parser(file, content)) {
      Budget budget = new Budget(file);
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

  /** The {@code items} of a {@code kind: List} document, each an object. */
  List<ObjectNode> items(String file, byte[] content) throws BundleFormatException {
    List<ObjectNode> items = new ArrayList<>();
    try (JsonParser parser = parser(file, content)) {
      Budget budget = new Budget(file);
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
            throw new BundleFormatException(file + ": item " + items.size() + " is not an object");
          }
          if (items.size() >= limits.maxItems()) {
            throw new BundleFormatException(
                file + ": more than " + limits.maxItems() + " objects in one file");
          }
          items.add((ObjectNode) value(parser, item, budget, 2));
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new BundleFormatException(file + ": expected a List object with items");
      }
      return items;
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

  /** Counts tokens; the YAML parser does not enforce Jackson's token limit itself. */
  private final class Budget {
    private final String file;
    private long tokens;

    Budget(String file) {
      this.file = file;
    }

    JsonToken next(JsonParser parser) throws IOException, BundleFormatException {
      if (++tokens > limits.maxTokens()) {
        throw new BundleFormatException(
            file + ": more than " + limits.maxTokens() + " values; too large for a bundle file");
      }
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new BundleFormatException(file + ": ends early");
      }
      return token;
    }
  }
}
