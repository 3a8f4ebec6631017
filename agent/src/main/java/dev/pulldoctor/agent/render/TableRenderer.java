package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code -o table}: a header describing the install, then results grouped by image (install-wide
 * results first), most alarming first within a group, each failure followed by its fix.
 */
public final class TableRenderer implements ReportRenderer {
  private static final String INSTALL_GROUP = "";
  private final boolean color;

  public TableRenderer(boolean color) {
    this.color = color;
  }

  @Override
  public String render(Report report) {
    StringBuilder out = new StringBuilder();
    header(report, out);
    Map<String, List<Result>> groups = groups(report);
    int width = report.results().stream().mapToInt(r -> r.rule().length()).max().orElse(10);
    groups.forEach(
        (image, results) -> {
          out.append('\n').append(groupTitle(report, image)).append('\n');
          results.stream()
              .sorted((a, b) -> b.status().compareTo(a.status()))
              .forEach(r -> line(r, width, out));
        });
    out.append('\n').append(summary(report.summary())).append('\n');
    return out.toString();
  }

  private static void header(Report report, StringBuilder out) {
    AirbyteInstall install = report.airbyte();
    out.append("pulldoctor · ")
        .append(report.source().type().word())
        .append(report.source().context() == null ? "" : " " + safe(report.source().context()))
        .append(" · namespace ")
        .append(safe(report.source().namespace()))
        .append('\n');
    StringBuilder airbyte = new StringBuilder("Airbyte ");
    airbyte.append(install.version().map(v -> safe(v.text())).orElse("(version unknown)"));
    airbyte.append(" · chart ").append(install.chart().name().toLowerCase(Locale.ROOT));
    install.chartVersion().ifPresent(v -> airbyte.append(' ').append(safe(v)));
    airbyte.append(
        install
            .jobLauncher()
            .map(w -> " · launcher deployment/" + safe(w.name()))
            .orElse(" · no job launcher found"));
    out.append(airbyte).append('\n');
    out.append("Job pods: namespace ")
        .append(safe(install.jobNamespace()))
        .append(" · service account ")
        .append(safe(install.jobServiceAccount()))
        .append(" · pull secrets ")
        .append(
            install.jobPodPullSecrets().isEmpty()
                ? "(none)"
                : safe(
                    String.join(
                        ", ",
                        install.jobPodPullSecrets().stream().map(n -> "'" + n + "'").toList())))
        .append('\n');
  }

  private static Map<String, List<Result>> groups(Report report) {
    Map<String, List<Result>> groups = new LinkedHashMap<>();
    groups.put(INSTALL_GROUP, new ArrayList<>());
    report.images().forEach(i -> groups.put(i.effective(), new ArrayList<>()));
    for (Result result : report.results()) {
      String key = result.image() == null ? INSTALL_GROUP : result.image();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
    }
    groups.values().removeIf(List::isEmpty);
    return groups;
  }

  private static String groupTitle(Report report, String image) {
    if (image.equals(INSTALL_GROUP)) {
      return "Install";
    }
    TargetImage target =
        report.images().stream().filter(i -> i.effective().equals(image)).findFirst().orElse(null);
    StringBuilder title = new StringBuilder("Image ").append(safe(image));
    if (target != null) {
      if (target.rewritten()) {
        title.append(" (registered as ").append(safe(target.requested())).append(')');
      }
      if (!target.pods().isEmpty()) {
        title
            .append(" · pods ")
            .append(safe(String.join(", ", target.pods().stream().map(ObjectRef::name).toList())));
      }
      if (!target.connectors().isEmpty()) {
        title
            .append(" · ")
            .append(
                safe(
                    String.join(
                        "; ",
                        target.connectors().stream().map(CustomConnector::describe).toList())));
      }
    }
    return title.toString();
  }

  private void line(Result result, int width, StringBuilder out) {
    out.append("  ")
        .append(status(result.status()))
        .append("  ")
        .append(String.format("%-" + width + "s", result.rule()))
        .append("  ")
        .append(safe(result.message()))
        .append('\n');
    if (result.remediation() != null && result.status().isAtLeast(Status.WARN)) {
      String indent = " ".repeat(width + 10);
      String fix = Text.terminalSafe(Objects.requireNonNull(result.remediation()), true);
      out.append(indent)
          .append("fix: ")
          .append(fix.replace("\n", "\n" + indent + "     "))
          .append('\n');
    }
  }

  private String status(Status status) {
    String word = String.format("%-5s", status.word().toUpperCase(Locale.ROOT));
    if (!color) {
      return word;
    }
    String code =
        switch (status) {
          case PASS -> "32";
          case FAIL, ERROR -> "31";
          case WARN -> "33";
          case SKIP -> "90";
        };
    return "\u001b[" + code + "m" + word + "\u001b[0m";
  }

  private static String summary(Summary summary) {
    return "Summary: "
        + summary.fail()
        + " fail, "
        + summary.error()
        + " error, "
        + summary.warn()
        + " warn, "
        + summary.pass()
        + " pass, "
        + summary.skip()
        + " skip";
  }

  private static String safe(String text) {
    return Text.terminalSafe(text, false);
  }
}
