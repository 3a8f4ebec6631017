package dev.pulldoctor.agent.http;

import dev.pulldoctor.agent.render.Html;
import dev.pulldoctor.agent.render.HtmlReport;
import dev.pulldoctor.agent.serve.DaemonState;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * The HTML pages of the daemon: the report ({@code /}) with the daemon's run status on top, and the
 * rule catalogue ({@code /rules}); both rendered by {@link HtmlReport}.
 */
final class ReportPage {
  /** The CSP source that allows exactly the pages' style block. */
  static final String STYLE_HASH = HtmlReport.STYLE_HASH;

  private ReportPage() {}

  static String report(DaemonState state, Instant now, List<RuleInfo> rules, String version) {
    StringBuilder status = new StringBuilder();
    runStatus(status, state, now);
    return HtmlReport.report(state.report(), status.toString(), true, rules, version);
  }

  static String rules(List<RuleInfo> rules, String version) {
    return HtmlReport.rules(rules, version);
  }

  private static void runStatus(StringBuilder html, DaemonState state, Instant now) {
    Report report = state.report();
    if (state.stale(now)) {
      html.append("<div class=\"stale\" id=\"stale\"><strong>Stale.</strong> ");
      if (state.lastError() != null) {
        html.append("The last run failed (")
            .append(state.consecutiveFailures())
            .append(" in a row): ")
            .append(Html.escape(Objects.requireNonNull(state.lastError())))
            .append(". ");
      }
      html.append(
          report == null
              ? "There is no report yet."
              : "This report is from " + when(report.generatedAt(), now) + ".");
      html.append("</div>\n");
    }
    html.append("<p class=\"muted\">");
    if (report != null) {
      html.append("Report from ").append(when(report.generatedAt(), now)).append(". ");
    }
    if (state.lastRunAt() != null) {
      html.append("Last run ").append(when(Objects.requireNonNull(state.lastRunAt()), now));
      html.append(state.lastError() == null ? " (succeeded). " : " (failed). ");
    }
    if (state.running()) {
      html.append("A run is in progress. ");
    }
    html.append("Runs every ").append(human(state.interval())).append(".</p>\n");
  }

  private static String when(Instant at, Instant now) {
    Duration ago = Duration.between(at, now);
    return at.truncatedTo(ChronoUnit.SECONDS)
        + (ago.isNegative() ? "" : " (" + human(ago) + " ago)");
  }

  private static String human(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7_200) {
      return seconds / 60 + " min";
    }
    return seconds / 3_600 + " h";
  }
}
