package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.Report;

/** Turns a report into the text of one output format. */
public interface ReportRenderer {
  String render(Report report);

  static ReportRenderer of(OutputFormat format, boolean color) {
    return switch (format) {
      case TABLE -> new TableRenderer(color);
      case JSON -> new JsonRenderer();
      case YAML -> new YamlRenderer();
    };
  }
}
