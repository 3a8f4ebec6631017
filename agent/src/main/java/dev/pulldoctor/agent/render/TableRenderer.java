package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code -o table}: a header describing the install, then the problems numbered in the order to fix
 * them (root cause before symptom, {@link ProblemOrder}), each with its fix, prose apart from the
 * commands to copy; then passes and skips, folded to one count line per section unless {@code
 * --show-all}. Prose is wrapped to the width; commands never are, so they can be copied whole.
 */
public final class TableRenderer implements ReportRenderer {
  private static final String INSTALL_GROUP = "";

  /** Commands and values sit this far right of the prose that introduces them. */
  private static final String CODE_INDENT = "    ";

  private final RenderOptions options;

  public TableRenderer(RenderOptions options) {
    this.options = options;
  }

  @Override
  public String render(Report report) {
    StringBuilder out = new StringBuilder();
    header(report, out);
    out.append('\n');
    problems(report, ProblemOrder.of(report), out);
    Map<String, List<Result>> others = others(report);
    if (!others.isEmpty()) {
      out.append('\n');
      if (options.showAll()) {
        listed(report, others, out);
      } else {
        folded(report, others, out);
      }
    }
    out.append('\n');
    wrapped(summary(report.summary()), "", "  ", out);
    return out.toString();
  }

  private void header(Report report, StringBuilder out) {
    AirbyteInstall install = report.airbyte();
    wrapped(
        "pulldoctor · "
            + report.source().type().word()
            + (report.source().context() == null ? "" : " " + safe(report.source().context()))
            + " · namespace "
            + safe(report.source().namespace()),
        "",
        "  ",
        out);
    StringBuilder airbyte = new StringBuilder("Airbyte ");
    airbyte.append(install.version().map(v -> safe(v.text())).orElse("(version unknown)"));
    airbyte.append(" · chart ").append(install.chart().name().toLowerCase(Locale.ROOT));
    install.chartVersion().ifPresent(v -> airbyte.append(' ').append(safe(v)));
    airbyte.append(
        install
            .jobLauncher()
            .map(w -> " · launcher deployment/" + safe(w.name()))
            .orElse(" · no job launcher found"));
    wrapped(airbyte.toString(), "", "  ", out);
    wrapped(
        "Job pods: namespace "
            + safe(install.jobNamespace())
            + " · service account "
            + safe(install.jobServiceAccount())
            + " · pull secrets "
            + (install.jobPodPullSecrets().isEmpty()
                ? "(none)"
                : safe(
                    Wrap.capped(
                        install.jobPodPullSecrets().stream().map(n -> "'" + n + "'").toList()))),
        "",
        "  ",
        out);
  }

  private void problems(Report report, List<Result> problems, StringBuilder out) {
    if (problems.isEmpty()) {
      out.append("No problems found: every check that applies passed.\n");
      return;
    }
    int digits = String.valueOf(problems.size()).length();
    String indent = " ".repeat(digits + 2);
    for (int i = 0; i < problems.size(); i++) {
      Result result = problems.get(i);
      if (i > 0) {
        out.append('\n');
      }
      String number = String.format(Locale.ROOT, "%" + digits + "d. ", i + 1);
      String title =
          status(result.status())
              + "  "
              + result.rule()
              + (result.image() == null ? "" : " · " + imageAndConnectors(report, result.image()));
      wrapped(title, number, indent, out);
      wrapped(safe(result.message()), indent, indent, out);
      fix(result, indent, out);
    }
  }

  /** The fix: each block's prose wrapped, its commands or values indented below it, unwrapped. */
  private void fix(Result result, String indent, StringBuilder out) {
    Fix fix = result.fix();
    if (fix == null) {
      if (result.remediation() != null) {
        wrapped("Fix: " + Text.terminalSafe(result.remediation(), true), indent, indent, out);
      }
      return;
    }
    String lead = "Fix: ";
    for (FixBlocks.Block block : FixBlocks.of(fix)) {
      wrapped(lead + Text.terminalSafe(block.prose(), false), indent, indent, out);
      lead = "";
      if (block.code() != null) {
        for (String line : Text.terminalSafe(block.code(), true).split("\n", -1)) {
          out.append(indent).append(CODE_INDENT).append(line).append('\n');
        }
      }
    }
  }

  /** Passes and skips by section: install-wide first, then one section per image. */
  private static Map<String, List<Result>> others(Report report) {
    Map<String, List<Result>> groups = new LinkedHashMap<>();
    groups.put(INSTALL_GROUP, new ArrayList<>());
    report.images().forEach(i -> groups.put(i.effective(), new ArrayList<>()));
    for (Result result : report.results()) {
      if (!result.status().isAtLeast(Status.WARN)) {
        String key = result.image() == null ? INSTALL_GROUP : result.image();
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
      }
    }
    groups.values().removeIf(List::isEmpty);
    return groups;
  }

  private void folded(Report report, Map<String, List<Result>> others, StringBuilder out) {
    wrapped("Passed and skipped (--show-all lists them):", "", "", out);
    others.forEach(
        (image, results) -> {
          long pass = results.stream().filter(r -> r.status() == Status.PASS).count();
          long skip = results.size() - pass;
          wrapped(
              (image.equals(INSTALL_GROUP)
                      ? "Install"
                      : "Image " + imageAndConnectors(report, image))
                  + ": "
                  + pass
                  + " pass, "
                  + skip
                  + " skip",
              "  ",
              "    ",
              out);
        });
  }

  private void listed(Report report, Map<String, List<Result>> others, StringBuilder out) {
    out.append("Passed and skipped:\n");
    int ruleWidth =
        others.values().stream()
            .flatMap(List::stream)
            .mapToInt(r -> r.rule().length())
            .max()
            .orElse(0);
    others.forEach(
        (image, results) -> {
          out.append('\n');
          wrapped(sectionTitle(report, image), "", "  ", out);
          results.stream()
              .sorted((a, b) -> a.status().compareTo(b.status()))
              .forEach(
                  r -> {
                    // Rule ids in a column when it leaves half the line for the message.
                    String rule =
                        6 + ruleWidth + 2 <= options.width() / 2
                            ? String.format("%-" + ruleWidth + "s", r.rule())
                            : r.rule();
                    wrapped(
                        safe(r.message()),
                        "  " + status(r.status()) + "  " + rule + "  ",
                        "        ",
                        out);
                  });
        });
  }

  /** The image, and the custom connectors Airbyte registered it for, so users know which one. */
  private static String imageAndConnectors(Report report, String image) {
    List<CustomConnector> connectors =
        report.images().stream()
            .filter(i -> i.effective().equals(image))
            .findFirst()
            .map(TargetImage::connectors)
            .orElse(List.of());
    return safe(image)
        + (connectors.isEmpty()
            ? ""
            : " · "
                + safe(Wrap.capped(connectors.stream().map(CustomConnector::describe).toList())));
  }

  private static String sectionTitle(Report report, String image) {
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
            .append(safe(Wrap.capped(target.pods().stream().map(ObjectRef::name).toList())));
      }
      if (!target.connectors().isEmpty()) {
        title
            .append(" · ")
            .append(
                safe(
                    Wrap.capped(
                        target.connectors().stream().map(CustomConnector::describe).toList())));
      }
    }
    return title.toString();
  }

  private void wrapped(String text, String first, String rest, StringBuilder out) {
    out.append(Wrap.block(text, options.width(), first, rest));
  }

  private String status(Status status) {
    String word = status.word().toUpperCase(Locale.ROOT);
    if (!options.color()) {
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
    return "Summary: " + counts(summary);
  }

  /** The results by status, e.g. {@code 1 fail, 0 error, 2 warn, 30 pass, 4 skip}. */
  public static String counts(Summary summary) {
    return summary.fail()
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
