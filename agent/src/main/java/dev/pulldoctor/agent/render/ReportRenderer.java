package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.Report;

/** Turns a report into the text of one output format. */
public interface ReportRenderer {
  String render(Report report);

  /**
   * Returns the renderer of {@code format}.
   *
   * @param color ANSI colours, for the table on a terminal
   * @param toolVersion pulldoctor's version, named by formats that describe the tool (SARIF)
   */
  static ReportRenderer of(OutputFormat format, boolean color, String toolVersion) {
    return switch (format) {
      case TABLE -> new TableRenderer(color);
      case JSON -> new JsonRenderer();
      case YAML -> new YamlRenderer();
      case MARKDOWN -> new MarkdownRenderer();
      case SARIF -> new SarifRenderer(toolVersion);
      case JUNIT -> new JUnitRenderer();
    };
  }
}
