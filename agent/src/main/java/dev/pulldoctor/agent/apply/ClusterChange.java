package dev.pulldoctor.agent.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** One write {@code fix --apply} makes: a guarded JSON patch of an object, or a new object. */
public sealed interface ClusterChange {

  /** {@code Kind namespace/name}, for messages. */
  String object();

  /** What the change does, in words, with the names from the plan. */
  String description();

  /**
   * A JSON patch whose {@code test} operations hold the state the plan was made from: when the
   * object moved since, the API server rejects the whole patch and nothing changes.
   *
   * @param kind {@code Deployment} or {@code Secret}
   * @param operations the patch, tests first
   */
  record Patch(String kind, String namespace, String name, String description, ArrayNode operations)
      implements ClusterChange {
    @Override
    public String object() {
      return kind + " " + namespace + "/" + name;
    }
  }

  /** A new object; the API server refuses it when one of that name exists already. */
  record Create(HasMetadata resource, String description) implements ClusterChange {
    @Override
    public String object() {
      return resource.getKind()
          + " "
          + resource.getMetadata().getNamespace()
          + "/"
          + resource.getMetadata().getName();
    }
  }
}
