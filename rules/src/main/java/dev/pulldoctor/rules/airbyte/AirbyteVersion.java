package dev.pulldoctor.rules.airbyte;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An Airbyte platform or chart version such as {@code 1.8.1} or {@code v0.50.33}. */
public record AirbyteVersion(int major, int minor, int patch, String text)
    implements Comparable<AirbyteVersion> {

  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");
  private static final Comparator<AirbyteVersion> ORDER =
      Comparator.comparingInt(AirbyteVersion::major)
          .thenComparingInt(AirbyteVersion::minor)
          .thenComparingInt(AirbyteVersion::patch);

  public static Optional<AirbyteVersion> parse(String text) {
    Matcher m = SEMVER.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
      return Optional.of(
          new AirbyteVersion(
              Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public boolean atLeast(AirbyteVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(AirbyteVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return text;
  }
}
