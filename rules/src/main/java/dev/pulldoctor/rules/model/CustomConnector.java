package dev.pulldoctor.rules.model;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A custom connector definition Airbyte's API listed ({@code custom: true}), or an actor pinned to
 * a version of one. Names and images only: nothing from the connector's configuration.
 *
 * @param name the definition's display name, e.g. {@code Acme API}
 * @param kind source or destination
 * @param workspace the workspace that lists the definition (its name, else its id)
 * @param image the registered image, {@code dockerRepository:dockerImageTag}, before the connector
 *     image registry rewrite
 * @param actor the source or destination whose pinned version runs {@code image} when that differs
 *     from the definition's default; null for the definition itself
 */
public record CustomConnector(
    String name, Kind kind, String workspace, String image, @Nullable String actor) {

  /** Which side of a connection the connector is. */
  public enum Kind {
    SOURCE,
    DESTINATION;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public CustomConnector {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(image, "image");
  }

  /** {@code Acme API (source, workspace Default Workspace)}, for reports. */
  public String describe() {
    return name
        + " ("
        + kind.word()
        + (actor == null ? "" : " '" + actor + "' pinned to this version")
        + ", workspace "
        + workspace
        + ")";
  }
}
