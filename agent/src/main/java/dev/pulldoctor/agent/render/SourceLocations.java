package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.model.ObjectRef;
import java.util.Optional;

/**
 * Where the objects of a snapshot came from, for formats that point at files: a manifest file and
 * the line its object starts on, an entry of a support bundle, or a stable URI for an object read
 * live.
 */
@FunctionalInterface
public interface SourceLocations {
  /** No object has a known source. */
  SourceLocations NONE = ref -> Optional.empty();

  Optional<SourceLocation> of(ObjectRef object);

  /**
   * One place.
   *
   * @param uri a path relative to where the command ran, or an absolute URI
   * @param line the 1-based line the object starts on, or 0 when there is no line
   */
  record SourceLocation(String uri, int line) {}
}
