package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.ObjectRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where one run of a rule reads the kinds its {@link RuleInfo#reads()} declares.
 *
 * @param namespace the namespace they are read in (cluster-scoped kinds match any)
 * @param subject what a result saying they could not be read is about; null when nothing is
 */
public record ReadScope(String namespace, @Nullable ObjectRef subject) {

  public ReadScope {
    Objects.requireNonNull(namespace, "namespace");
  }

  /** Reads in {@code namespace}, about the namespace itself. */
  public static ReadScope namespace(String namespace) {
    return new ReadScope(namespace, ObjectRef.of("Namespace", null, namespace));
  }

  /** Reads in the namespace of {@code object}, about that object. */
  public static ReadScope object(ObjectRef object) {
    return new ReadScope(Objects.requireNonNull(object.namespace(), "namespace"), object);
  }
}
