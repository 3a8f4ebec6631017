package dev.pulldoctor.rules.airbyte;

import org.jspecify.annotations.Nullable;

/**
 * Versions from {@code from} (inclusive) up to {@code until} (exclusive); a null end is open.
 *
 * @param from the first version of the range, null for "every earlier version"
 * @param until the first version after the range, null for "up to the newest"
 */
public record VersionRange(@Nullable AirbyteVersion from, @Nullable AirbyteVersion until) {

  public static VersionRange all() {
    return new VersionRange(null, null);
  }

  public static VersionRange before(String until) {
    return new VersionRange(null, version(until));
  }

  public static VersionRange between(String from, String until) {
    return new VersionRange(version(from), version(until));
  }

  public static VersionRange since(String from) {
    return new VersionRange(version(from), null);
  }

  public boolean contains(AirbyteVersion version) {
    return (from == null || version.atLeast(from)) && (until == null || !version.atLeast(until));
  }

  /** For tables and messages: {@code < 1.4.1}, {@code 1.4.1 to < 2.0.0}, {@code ≥ 2.0.0}. */
  public String display() {
    if (from == null && until == null) {
      return "all";
    }
    if (from == null) {
      return "< " + until;
    }
    if (until == null) {
      return "≥ " + from;
    }
    return from + " to < " + until;
  }

  private static AirbyteVersion version(String text) {
    return AirbyteVersion.parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a version: " + text));
  }
}
