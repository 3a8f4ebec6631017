package dev.pulldoctor.rules.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Names the Kubernetes object a result is about. */
public record ObjectRef(String kind, @Nullable String namespace, String name)
    implements Comparable<ObjectRef> {

  private static final Comparator<ObjectRef> ORDER =
      Comparator.comparing(ObjectRef::kind)
          .thenComparing(r -> Objects.requireNonNullElse(r.namespace(), ""))
          .thenComparing(ObjectRef::name);

  public ObjectRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static ObjectRef of(String kind, @Nullable String namespace, String name) {
    return new ObjectRef(kind, namespace, name);
  }

  public static ObjectRef of(HasMetadata object) {
    return new ObjectRef(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  /** {@code kind/name} or {@code kind/name -n namespace}, the way kubectl users read it. */
  public String display() {
    String base = kind + "/" + name;
    return namespace == null ? base : base + " (namespace " + namespace + ")";
  }

  @Override
  public int compareTo(ObjectRef other) {
    return ORDER.compare(this, other);
  }
}
