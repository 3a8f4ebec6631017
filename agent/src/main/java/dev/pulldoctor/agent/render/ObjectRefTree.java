package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.model.ObjectRef;

/**
 * An {@link ObjectRef} as every JSON document pulldoctor writes names an object (a result's
 * subject, a fix step's target, the server a bundle's connector discovery asked): kind, namespace
 * when it has one, name.
 */
public final class ObjectRefTree {
  private ObjectRefTree() {}

  public static ObjectNode of(ObjectRef ref) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("kind", ref.kind());
    if (ref.namespace() != null) {
      node.put("namespace", ref.namespace());
    }
    node.put("name", ref.name());
    return node;
  }
}
