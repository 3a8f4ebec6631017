package dev.pulldoctor.agent.bundle;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One value left out of a bundle, as listed in {@code manifest.json}: where it was and what it
 * looked like, never the value itself.
 *
 * @param file the bundle file the value was removed from, e.g. {@code objects/configmaps.yaml}
 * @param object the object it belonged to, e.g. {@code ConfigMap airbyte/airbyte-airbyte-env}
 * @param path a JSON path inside {@code file}, e.g. {@code $.items[0].data.DATABASE_PASSWORD}
 * @param kind what the value was: {@code password}, {@code secret}, {@code token}, {@code key},
 *     {@code credential}, {@code url-credentials}, {@code flag-value}, {@code
 *     last-applied-configuration}, {@code binary-data} or {@code secret-data}
 * @param fingerprint always null in bundles made now: a fingerprint of a removed value would let
 *     anyone test guesses against it; older bundles listed {@code sha256:} and 12 hex digits
 */
public record Redaction(
    String file, String object, String path, String kind, @Nullable String fingerprint) {

  public Redaction {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
  }
}
