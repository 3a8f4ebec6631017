package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.Rules;
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
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code -o markdown}: a report to paste into a ticket or a pull request. Problems come first, each
 * with its fix in a code block that can be copied as is; then what passed; then the environment a
 * support engineer asks about first. Everything from the cluster is escaped ({@link Markdown}).
 */
public final class MarkdownRenderer implements ReportRenderer {

  @Override
  public String render(Report report) {
    StringBuilder out = new StringBuilder();
    out.append("# pulldoctor report\n\n");
    out.append(verdict(report.summary())).append("\n\n");
    out.append("Generated ")
        .append(report.generatedAt())
        .append(" from ")
        .append(report.source().type().word())
        .append(
            report.source().context() == null ? "" : " " + Markdown.cell(report.source().context()))
        .append(", namespace ")
        .append(Markdown.cell(report.source().namespace()))
        .append(".\n\n");
    summary(report.summary(), out);
    findings(report, out);
    others(report, out);
    environment(report, out);
    return out.toString();
  }

  private static String verdict(Summary summary) {
    Status worst = summary.worst();
    String word = "**" + worst.word().toUpperCase(Locale.ROOT) + "**: ";
    List<String> problems = new ArrayList<>();
    if (summary.fail() > 0) {
      problems.add(count(summary.fail(), "check failed", "checks failed"));
    }
    if (summary.error() > 0) {
      problems.add(count(summary.error(), "check could not run", "checks could not run"));
    }
    if (summary.warn() > 0) {
      problems.add(count(summary.warn(), "warning", "warnings"));
    }
    return switch (worst) {
      case FAIL -> word + String.join(", ", problems) + ". Fixes below, root causes first.";
      case ERROR ->
          word
              + String.join(", ", problems)
              + ": pulldoctor cannot rule out a pull problem until they can run.";
      case WARN -> word + "no check failed; " + String.join(", ", problems) + " to review.";
      case PASS ->
          word + "no problem found; " + count(summary.pass(), "check", "checks") + " passed.";
      case SKIP -> word + "no check applied to this install.";
    };
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static void summary(Summary summary, StringBuilder out) {
    out.append("| fail | error | warn | pass | skip |\n")
        .append("|---:|---:|---:|---:|---:|\n")
        .append("| ")
        .append(summary.fail())
        .append(" | ")
        .append(summary.error())
        .append(" | ")
        .append(summary.warn())
        .append(" | ")
        .append(summary.pass())
        .append(" | ")
        .append(summary.skip())
        .append(" |\n\n");
  }

  private static void findings(Report report, StringBuilder out) {
    List<Result> problems = ProblemOrder.of(report);
    if (problems.isEmpty()) {
      return;
    }
    out.append("## Problems\n\n");
    int number = 1;
    for (Result result : problems) {
      out.append("### ")
          .append(number++)
          .append(". ")
          .append(result.status().word().toUpperCase(Locale.ROOT))
          .append(" `")
          .append(result.rule())
          .append('`');
      Rules.byId(result.rule())
          .ifPresent(rule -> out.append(": ").append(Markdown.cell(rule.info().title())));
      out.append("\n\n");
      if (result.subject() != null) {
        out.append("- **Object:** ").append(Markdown.cell(result.subject().display())).append('\n');
      }
      if (result.image() != null) {
        out.append("- **Image:** ").append(Markdown.cell(result.image())).append('\n');
      }
      out.append("- **Severity:** ").append(result.severity().word()).append("\n\n");
      out.append(Markdown.text(result.message())).append("\n\n");
      fix(result, out);
    }
  }

  /** Prose as paragraphs, commands in blocks of their own: a copied sh block runs as is. */
  private static void fix(Result result, StringBuilder out) {
    Fix fix = result.fix();
    if (fix == null) {
      if (result.remediation() != null) {
        out.append("**Fix:** ").append(Markdown.text(result.remediation())).append("\n\n");
      }
      return;
    }
    String lead = "**Fix:** ";
    for (FixBlocks.Block block : FixBlocks.of(fix)) {
      out.append(lead).append(Markdown.text(block.prose())).append("\n\n");
      lead = "";
      if (block.code() != null) {
        out.append(Markdown.codeBlock(String.valueOf(block.language()), block.code())).append('\n');
      }
    }
  }

  private static void others(Report report, StringBuilder out) {
    List<Result> others =
        report.results().stream().filter(r -> !r.status().isAtLeast(Status.WARN)).toList();
    if (others.isEmpty()) {
      return;
    }
    out.append("## Passed and skipped checks\n\n")
        .append("| Status | Check | Object | Message |\n")
        .append("|---|---|---|---|\n");
    for (Result result : others) {
      out.append("| ")
          .append(result.status().word())
          .append(" | `")
          .append(result.rule())
          .append("` | ")
          .append(Markdown.cell(about(result.subject(), result.image())))
          .append(" | ")
          .append(Markdown.cell(result.message()))
          .append(" |\n");
    }
    out.append('\n');
  }

  private static String about(@Nullable ObjectRef subject, @Nullable String image) {
    List<String> parts = new ArrayList<>();
    if (subject != null) {
      parts.add(subject.display());
    }
    if (image != null) {
      parts.add("image " + image);
    }
    return String.join(", ", parts);
  }

  private static void environment(Report report, StringBuilder out) {
    AirbyteInstall install = report.airbyte();
    out.append("## Environment\n\n").append("| | |\n").append("|---|---|\n");
    row(
        out,
        "Source",
        report.source().type().word()
            + (report.source().context() == null ? "" : " " + report.source().context()));
    row(out, "Airbyte namespace", install.namespace());
    row(out, "Airbyte version", install.version().map(v -> v.text()).orElse("unknown"));
    row(
        out,
        "Helm chart",
        install.chart().name().toLowerCase(Locale.ROOT)
            + install.chartVersion().map(v -> " " + v).orElse("")
            + install.release().map(r -> ", release " + r).orElse(""));
    row(
        out,
        "Job launcher",
        install.jobLauncher().map(w -> "deployment/" + w.name()).orElse("not found"));
    row(out, "Job namespace", install.jobNamespace());
    row(out, "Job service account", install.jobServiceAccount());
    row(
        out,
        "Job pull secrets",
        install.jobPodPullSecrets().isEmpty()
            ? "(none)"
            : Wrap.capped(install.jobPodPullSecrets().stream().map(n -> "'" + n + "'").toList()));
    install
        .connectorImageRegistry()
        .ifPresent(registry -> row(out, "Connector image registry", registry));
    row(
        out,
        "Images",
        report.images().isEmpty()
            ? "(none found)"
            : String.join("\n", report.images().stream().map(MarkdownRenderer::image).toList()));
  }

  private static String image(TargetImage image) {
    StringBuilder text = new StringBuilder(image.effective());
    if (image.rewritten()) {
      text.append(" (registered as ").append(image.requested()).append(')');
    }
    if (!image.pods().isEmpty()) {
      text.append(", pods ")
          .append(Wrap.capped(image.pods().stream().map(ObjectRef::name).toList()));
    }
    if (!image.connectors().isEmpty()) {
      text.append(", custom connector ")
          .append(Wrap.capped(image.connectors().stream().map(CustomConnector::describe).toList()));
    }
    return text.toString();
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append("| ").append(name).append(" | ").append(Markdown.cell(value)).append(" |\n");
  }
}
