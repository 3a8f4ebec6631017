package dev.pulldoctor.agent.render;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The report formats of {@code -o}. */
public enum OutputFormat {
  TABLE,
  JSON,
  YAML,
  MARKDOWN,
  SARIF,
  JUNIT,
  HTML;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<OutputFormat> parse(String text) {
    return Arrays.stream(values())
        .filter(f -> f.word().equals(text.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  public static List<String> words() {
    return Arrays.stream(values()).map(OutputFormat::word).toList();
  }
}
