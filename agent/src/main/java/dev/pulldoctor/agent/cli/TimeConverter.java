package dev.pulldoctor.agent.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Parses {@code --now} as RFC 3339 ({@code 2026-11-23T12:00:00Z}, offsets allowed). */
final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not an RFC 3339 time such as 2026-11-23T12:00:00Z");
    }
  }
}
