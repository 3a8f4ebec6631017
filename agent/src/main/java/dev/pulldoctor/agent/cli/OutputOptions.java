package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.rules.engine.Status;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -o} and {@code --fail-on}. */
final class OutputOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      completionCandidates = FormatCandidates.class,
      defaultValue = "table",
      description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.TABLE;

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      converter = FailOnConverter.class,
      completionCandidates = FailOnCandidates.class,
      defaultValue = "fail",
      description =
          "Exit 1 when a result is at or above LEVEL: 'fail', or 'warn' (warn, error and fail)."
              + " Default: ${DEFAULT-VALUE}.")
  Status failOn = Status.FAIL;

  static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return OutputFormat.parse(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "expected one of "
                          + String.join(", ", OutputFormat.words())
                          + " but was '"
                          + value
                          + "'"));
    }
  }

  static final class FormatCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return OutputFormat.words().iterator();
    }
  }

  static final class FailOnConverter implements CommandLine.ITypeConverter<Status> {
    @Override
    public Status convert(String value) {
      return switch (value) {
        case "fail" -> Status.FAIL;
        case "warn" -> Status.WARN;
        default ->
            throw new CommandLine.TypeConversionException(
                "expected 'fail' or 'warn' but was '" + value + "'");
      };
    }
  }

  static final class FailOnCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("fail", "warn").iterator();
    }
  }
}
