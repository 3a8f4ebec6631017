package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.helm.HelmRelease;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helm release records in {@code observations.json}: the release, its chart and the allow-listed
 * values the snapshot kept, never the record itself (which holds every value the user gave, their
 * passwords included).
 */
final class HelmReleaseTrees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HelmReleaseTrees() {}

  static ObjectNode toTree(HelmRelease release) {
    ObjectNode node = NODES.objectNode();
    node.put("name", release.name());
    node.put("namespace", release.namespace());
    node.put("revision", release.revision());
    node.put("status", release.status());
    node.put("chartName", release.chartName());
    node.put("chartVersion", release.chartVersion());
    if (release.appVersion() != null) {
      node.put("appVersion", release.appVersion());
    }
    ObjectNode values = node.putObject("values");
    release.values().forEach(values::put);
    if (release.problem() != null) {
      node.put("problem", release.problem());
    }
    return node;
  }

  static HelmRelease fromTree(String where, JsonNode node) throws BundleFormatException {
    Map<String, String> values = new LinkedHashMap<>();
    JsonNode kept = node.path("values");
    if (!kept.isMissingNode() && !kept.isObject()) {
      throw new BundleFormatException(where + ": values is not an object");
    }
    for (Map.Entry<String, JsonNode> entry : kept.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new BundleFormatException(where + ": a value is not a string");
      }
      values.put(entry.getKey(), entry.getValue().asText());
    }
    if (!node.path("revision").canConvertToInt()) {
      throw new BundleFormatException(where + " has no revision");
    }
    return new HelmRelease(
        text(where, node, "name"),
        text(where, node, "namespace"),
        node.path("revision").asInt(),
        text(where, node, "status"),
        text(where, node, "chartName"),
        text(where, node, "chartVersion"),
        node.path("appVersion").isTextual() ? node.path("appVersion").asText() : null,
        values,
        node.path("problem").isTextual() ? node.path("problem").asText() : null);
  }

  private static String text(String where, JsonNode node, String field)
      throws BundleFormatException {
    if (!node.path(field).isTextual()) {
      throw new BundleFormatException(where + " has no " + field);
    }
    return node.path(field).asText();
  }
}
