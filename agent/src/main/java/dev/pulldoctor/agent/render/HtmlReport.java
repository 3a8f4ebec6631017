package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The report as one self-contained HTML page: no script, no external resource, one style block
 * (which the daemon allows by its hash in its Content-Security-Policy). Every string from the
 * cluster goes through {@link Html#escape}. The daemon serves it with its run status and links to
 * its other pages; a support bundle stores it standalone.
 */
public final class HtmlReport {
  /** The page's only style block. */
  public static final String CSS =
      """
      body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;\
      color:#1d232a;background:#fff}
      h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:2rem;\
      border-bottom:1px solid #d0d7de}
      table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;\
      padding:.3rem .5rem;border-bottom:1px solid #eaeef2}
      pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap;\
      word-break:break-word;margin:.3rem 0}
      .status{font-weight:600;text-transform:uppercase;font-size:.8rem;padding:.1rem .4rem;\
      border-radius:.3rem;white-space:nowrap}
      .fail{background:#ffebe9;color:#a40e26}.error{background:#fff1e5;color:#953800}\
      .warn{background:#fff8c5;color:#7d4e00}.pass{background:#dafbe1;color:#116329}\
      .skip{background:#eaeef2;color:#57606a}
      .stale{background:#fff1e5;border:1px solid #953800;padding:.6rem;margin:1rem 0}
      .fresh{color:#116329}.muted{color:#57606a}.result{margin:1rem 0;padding-bottom:.5rem;\
      border-bottom:1px solid #eaeef2}
      dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.4rem 0}\
      dt{color:#57606a}dd{margin:0}
      """;

  /** The CSP source that allows exactly the style block above. */
  public static final String STYLE_HASH = "'sha256-" + sha256(CSS) + "'";

  // Failing first, then what needs attention, then the rest.
  private static final List<Status> ORDER =
      List.of(Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP);

  private HtmlReport() {}

  /**
   * The report page.
   *
   * @param preface HTML shown under the title (already escaped), e.g. the daemon's run status
   * @param served whether the page is served by the daemon (links to its other pages) or stands
   *     alone (a file in a bundle)
   * @param report null when there is none yet
   */
  public static String report(
      @Nullable Report report,
      String preface,
      boolean served,
      List<RuleInfo> rules,
      String version) {
    StringBuilder html = start("pulldoctor report");
    html.append("<h1>pulldoctor report</h1>\n").append(preface);
    if (report == null) {
      html.append("<p>No report yet: the first run has not finished.</p>\n");
      return end(html, version, served);
    }
    if (!served) {
      html.append("<p class=\"muted\">Report from ")
          .append(Html.escape(report.generatedAt().toString()))
          .append(", ")
          .append(Html.escape(report.source().type().word()))
          .append(
              report.source().context() == null ? "" : " " + Html.escape(report.source().context()))
          .append(".</p>\n");
    }
    install(html, report);
    summary(html, report.summary());
    List<Result> results = new ArrayList<>(report.results());
    results.sort(
        Comparator.comparingInt((Result r) -> ORDER.indexOf(r.status()))
            .thenComparing(r -> r.severity(), Comparator.reverseOrder())
            .thenComparing(Result::rule));
    // Numbered in the order to fix them, root cause before symptom, as in the table and Markdown.
    List<Result> attention = ProblemOrder.of(report);
    html.append("<h2 id=\"failing\">Needs attention (").append(attention.size()).append(")</h2>\n");
    if (attention.isEmpty()) {
      html.append("<p class=\"fresh\">Nothing failed: every check passed or did not apply.</p>\n");
    }
    for (int i = 0; i < attention.size(); i++) {
      result(html, attention.get(i), i + 1, rules, served);
    }
    images(html, report);
    List<Result> rest = results.stream().filter(r -> !needsAttention(r.status())).toList();
    html.append("<h2 id=\"passed\">Passed and skipped (").append(rest.size()).append(")</h2>\n");
    rest.forEach(r -> result(html, r, 0, rules, served));
    return end(html, version, served);
  }

  /** The rule catalogue page the daemon serves at {@code /rules}. */
  public static String rules(List<RuleInfo> rules, String version) {
    StringBuilder html = start("pulldoctor rules");
    html.append("<h1>pulldoctor rules</h1>\n<p><a href=\"/\">Back to the report</a></p>\n");
    for (RuleInfo rule : rules) {
      html.append("<section id=\"")
          .append(Html.escape(rule.id()))
          .append("\">\n<h2>")
          .append(Html.escape(rule.id()))
          .append(" — ")
          .append(Html.escape(rule.title()))
          .append("</h2>\n<p class=\"muted\">Severity: ")
          .append(rule.severity().word())
          .append("</p>\n<p>")
          .append(Html.escape(rule.explanation()))
          .append("</p>\n<p><strong>Fix:</strong></p>\n<pre>")
          .append(Html.escape(rule.remediation()))
          .append("</pre>\n");
      if (!rule.references().isEmpty()) {
        html.append("<p class=\"muted\">References:</p>\n<ul>\n");
        rule.references()
            .forEach(ref -> html.append("<li>").append(Html.escape(ref)).append("</li>\n"));
        html.append("</ul>\n");
      }
      html.append("</section>\n");
    }
    return end(html, version, true);
  }

  private static boolean needsAttention(Status status) {
    return status == Status.FAIL || status == Status.ERROR || status == Status.WARN;
  }

  private static StringBuilder start(String title) {
    return new StringBuilder(16_384)
        .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(title)
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
  }

  private static String end(StringBuilder html, String version, boolean served) {
    html.append("<hr>\n<p class=\"muted\">pulldoctor ").append(Html.escape(version));
    if (served) {
      html.append(" · <a href=\"/api/v1/report\">report JSON</a> · <a href=\"/rules\">rules</a>")
          .append(" · <a href=\"/api/v1/rules\">rules JSON</a> · <a href=\"/metrics\">metrics</a>");
    }
    return html.append("</p>\n</body>\n</html>\n").toString();
  }

  private static void install(StringBuilder html, Report report) {
    html.append("<dl>\n");
    row(html, "Namespace", report.source().namespace());
    report.airbyte().version().ifPresent(v -> row(html, "Airbyte", v.text()));
    report.airbyte().jobLauncher().map(Workload::name).ifPresent(n -> row(html, "Launcher", n));
    row(html, "Job namespace", report.airbyte().jobNamespace());
    row(html, "Job service account", report.airbyte().jobServiceAccount());
    List<String> secrets = report.airbyte().jobPodPullSecrets();
    row(html, "Job pull secrets", secrets.isEmpty() ? "(none)" : String.join(", ", secrets));
    html.append("</dl>\n");
  }

  private static void row(StringBuilder html, String term, String value) {
    html.append("<dt>")
        .append(term)
        .append("</dt><dd>")
        .append(Html.escape(value))
        .append("</dd>\n");
  }

  private static void summary(StringBuilder html, Summary summary) {
    html.append("<p id=\"summary\">");
    badge(html, Status.FAIL, summary.fail());
    badge(html, Status.ERROR, summary.error());
    badge(html, Status.WARN, summary.warn());
    badge(html, Status.PASS, summary.pass());
    badge(html, Status.SKIP, summary.skip());
    html.append("</p>\n");
  }

  private static void badge(StringBuilder html, Status status, int count) {
    html.append("<span class=\"status ")
        .append(status.word())
        .append("\">")
        .append(count)
        .append(' ')
        .append(status.word())
        .append("</span> ");
  }

  /** One result; {@code number} is its place among the problems, 0 for a pass or skip. */
  private static void result(
      StringBuilder html, Result result, int number, List<RuleInfo> rules, boolean served) {
    String title =
        rules.stream()
            .filter(r -> r.id().equals(result.rule()))
            .map(RuleInfo::title)
            .findFirst()
            .orElse("");
    html.append("<div class=\"result\" data-rule=\"")
        .append(Html.escape(result.rule()))
        .append("\" data-status=\"")
        .append(result.status().word())
        .append("\">\n<p>")
        .append(number > 0 ? number + ". " : "")
        .append("<span class=\"status ")
        .append(result.status().word())
        .append("\">")
        .append(result.status().word())
        .append("</span> ")
        .append(served ? "<a href=\"/rules#" + Html.escape(result.rule()) + "\">" : "")
        .append("<code>")
        .append(Html.escape(result.rule()))
        .append(served ? "</code></a> " : "</code> ")
        .append(Html.escape(title))
        .append(" <span class=\"muted\">(")
        .append(result.severity().word())
        .append(")</span></p>\n<dl>\n");
    ObjectRef subject = result.subject();
    if (subject != null) {
      row(
          html,
          "Object",
          subject.kind()
              + " "
              + (subject.namespace() == null ? "" : subject.namespace() + "/")
              + subject.name());
    }
    if (result.image() != null) {
      row(html, "Image", Objects.requireNonNull(result.image()));
    }
    html.append("</dl>\n<p>").append(Html.escape(result.message())).append("</p>\n");
    if (needsAttention(result.status())) {
      fix(html, result);
    }
    evidence(html, result.evidence());
    html.append("</div>\n");
  }

  /** Prose as paragraphs, commands in blocks of their own: a copied block runs as is. */
  private static void fix(StringBuilder html, Result result) {
    Fix fix = result.fix();
    if (fix == null) {
      if (result.remediation() != null) {
        html.append("<p><strong>Fix:</strong> ")
            .append(Html.escape(result.remediation()))
            .append("</p>\n");
      }
      return;
    }
    String lead = "<strong>Fix:</strong> ";
    for (FixBlocks.Block block : FixBlocks.of(fix)) {
      html.append("<p>").append(lead).append(Html.escape(block.prose())).append("</p>\n");
      lead = "";
      if (block.code() != null) {
        html.append("<pre class=\"remediation\" data-language=\"")
            .append(Html.escape(String.valueOf(block.language())))
            .append("\">")
            .append(Html.escape(block.code()))
            .append("</pre>\n");
      }
    }
  }

  private static void evidence(StringBuilder html, Map<String, Object> evidence) {
    if (evidence.isEmpty()) {
      return;
    }
    html.append("<details><summary class=\"muted\">Evidence</summary><dl>\n");
    evidence.forEach((key, value) -> row(html, key, String.valueOf(value)));
    html.append("</dl></details>\n");
  }

  private static void images(StringBuilder html, Report report) {
    html.append("<h2 id=\"images\">Images (").append(report.images().size()).append(")</h2>\n");
    if (report.images().isEmpty()) {
      html.append(
          "<p class=\"muted\">No connector image found: no job pod and no pull event, and no"
              + " --image given.</p>\n");
      return;
    }
    html.append(
        "<table>\n<tr><th>Image</th><th>Worst result</th><th>Rules not passing</th>"
            + "<th>Job pods</th></tr>\n");
    for (TargetImage image : report.images()) {
      List<Result> mine =
          report.results().stream().filter(r -> image.effective().equals(r.image())).toList();
      Status worst =
          mine.stream().map(Result::status).max(Comparator.naturalOrder()).orElse(Status.SKIP);
      List<String> failing =
          mine.stream()
              .filter(r -> needsAttention(r.status()))
              .map(Result::rule)
              .distinct()
              .toList();
      html.append("<tr><td><code>").append(Html.escape(image.effective())).append("</code>");
      if (!image.requested().equals(image.effective())) {
        html.append("<br><span class=\"muted\">registered as ")
            .append(Html.escape(image.requested()))
            .append("</span>");
      }
      html.append("</td><td><span class=\"status ")
          .append(worst.word())
          .append("\">")
          .append(worst.word())
          .append("</span></td><td>")
          .append(failing.isEmpty() ? "—" : Html.escape(String.join(", ", failing)))
          .append("</td><td>")
          .append(image.pods().size())
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return Base64.getEncoder()
          .encodeToString(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
