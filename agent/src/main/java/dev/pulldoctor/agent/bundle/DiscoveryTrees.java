package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.render.ObjectRefTree;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What Airbyte's API said about custom connectors, in {@code observations.json}: where it was
 * asked, the credential source's name, the outcome, and the connectors' names and images. Nothing
 * else of Airbyte's answers is kept, and no credential ever is.
 */
final class DiscoveryTrees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DiscoveryTrees() {}

  static ObjectNode toTree(ConnectorDiscovery discovery) {
    ObjectNode node = NODES.objectNode();
    node.put("endpoint", discovery.endpoint());
    node.put("credentialSource", discovery.credentialSource());
    node.put("outcome", discovery.outcome().word());
    if (discovery.detail() != null) {
      node.put("detail", discovery.detail());
    }
    ObjectRef server = discovery.server();
    if (server != null) {
      node.set("server", ObjectRefTree.of(server));
    }
    for (CustomConnector connector : discovery.connectors()) {
      ObjectNode item = node.withArray("connectors").addObject();
      item.put("name", connector.name());
      item.put("kind", connector.kind().word());
      item.put("workspace", connector.workspace());
      item.put("image", connector.image());
      if (connector.actor() != null) {
        item.put("actor", connector.actor());
      }
    }
    return node;
  }

  static ConnectorDiscovery fromTree(String where, JsonNode node) throws BundleFormatException {
    ConnectorDiscovery.Outcome outcome;
    try {
      outcome = ConnectorDiscovery.Outcome.fromWord(required(where, node, "outcome"));
    } catch (IllegalArgumentException e) {
      throw new BundleFormatException(where + " has an unknown outcome");
    }
    List<CustomConnector> connectors = new ArrayList<>();
    int index = 0;
    for (JsonNode item : node.path("connectors")) {
      String at = where + " connector " + index++;
      CustomConnector.Kind kind;
      try {
        kind = CustomConnector.Kind.valueOf(required(at, item, "kind").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BundleFormatException(at + " has an unknown kind");
      }
      connectors.add(
          new CustomConnector(
              required(at, item, "name"),
              kind,
              required(at, item, "workspace"),
              required(at, item, "image"),
              optional(item, "actor")));
    }
    JsonNode server = node.path("server");
    ObjectRef ref =
        server.isObject()
            ? ObjectRef.of(
                required(where + " server", server, "kind"),
                optional(server, "namespace"),
                required(where + " server", server, "name"))
            : null;
    return new ConnectorDiscovery(
        required(where, node, "endpoint"),
        required(where, node, "credentialSource"),
        outcome,
        optional(node, "detail"),
        ref,
        connectors);
  }

  private static String required(String where, JsonNode node, String field)
      throws BundleFormatException {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new BundleFormatException(where + " has no " + field);
    }
    return value.asText();
  }

  private static @Nullable String optional(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }
}
