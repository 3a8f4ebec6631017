package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.Report;

/** Turns a report into the text of one output format. */
public interface ReportRenderer {
  String render(Report report);

  /** Returns the renderer of {@code format}. */
  static ReportRenderer of(OutputFormat format, RenderOptions options) {
    return switch (format) {
      case TABLE -> new TableRenderer(options);
      case JSON -> new JsonRenderer();
      case YAML -> new YamlRenderer();
      case MARKDOWN -> new MarkdownRenderer();
      case SARIF -> new SarifRenderer(options.toolVersion(), options.locations());
      case JUNIT -> new JUnitRenderer(options.failOn());
      case HTML -> new HtmlRenderer(options.toolVersion());
    };
  }
}
