package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.agent.render.RenderOptions;
import dev.pulldoctor.agent.render.SourceLocations;
import dev.pulldoctor.rules.engine.Status;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -o}, {@code --fail-on} and {@code --show-all}. */
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

  @Option(
      names = "--show-all",
      description =
          "List every pass and skip one by one in the table (by default they are"
              + " folded into one count line per section; JSON always has them all).")
  boolean showAll;

  /**
   * How to render for this invocation: colour only for the table on a terminal without NO_COLOR,
   * the table wrapped to {@code columns}.
   */
  RenderOptions renderOptions(
      boolean terminal, int columns, String toolVersion, SourceLocations locations) {
    boolean color = format == OutputFormat.TABLE && terminal && System.getenv("NO_COLOR") == null;
    return new RenderOptions(color, toolVersion, columns, showAll, failOn, locations);
  }

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

  static final class FormatCandidates extends Candidates {
    FormatCandidates() {
      super(OutputFormat::words);
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

  static final class FailOnCandidates extends Candidates {
    FailOnCandidates() {
      super(() -> List.of("fail", "warn"));
    }
  }
}
