package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Rule;

/**
 * {@code -o html}: the page the daemon serves, as one self-contained file (its style inline, no
 * script, no link to the daemon's other pages), to open in a browser or attach to a ticket.
 */
public final class HtmlRenderer implements ReportRenderer {
  private final String toolVersion;

  public HtmlRenderer(String toolVersion) {
    this.toolVersion = toolVersion;
  }

  @Override
  public String render(Report report) {
    return HtmlReport.report(
        report, "", false, Rules.all().stream().map(Rule::info).toList(), toolVersion);
  }
}
