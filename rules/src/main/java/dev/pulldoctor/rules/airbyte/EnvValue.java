package dev.pulldoctor.rules.airbyte;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The effective value of one environment variable of a container, as the kubelet would compute it
 * when starting the container.
 *
 * @param name the variable name
 * @param value the value, null when unset or not resolvable from the snapshot
 * @param origin where the value comes from, in words: {@code value}, {@code ConfigMap
 *     airbyte-airbyte-env key X}, {@code fieldRef metadata.namespace}, {@code unset}
 * @param problem why the container would not start or the value cannot be known, if so
 */
public record EnvValue(
    String name, @Nullable String value, String origin, @Nullable String problem) {

  public EnvValue {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(origin, "origin");
  }

  public static EnvValue unset(String name) {
    return new EnvValue(name, null, "unset", null);
  }

  public boolean isSet() {
    return value != null;
  }

  /** True when set to a value other than the empty string. */
  public boolean hasValue() {
    return value != null && !value.isEmpty();
  }
}
