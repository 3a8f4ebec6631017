package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules of {@code dashboards/prometheus/pulldoctor-alerts.yaml} against the rule catalog
 * and the docs: every critical rule has an alert that fires when it fails (so a broken
 * configuration alerts before a connector pod fails), and every alert links to a runbook that a
 * browser opens, a heading of docs/ where the rule is explained.
 */
class AlertRulesTest {
  static final Path ALERTS = Path.of("..", "dashboards", "prometheus", "pulldoctor-alerts.yaml");
  private static final Path DOCS = Path.of("..", "docs");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern RULE_RESULTS =
      Pattern.compile("pulldoctor_rule_results\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  // The one template a runbook_url may hold: the anchor of the rule that fails, as GitHub makes it.
  private static final String RULE_ANCHOR = "{{ $labels.rule | reReplaceAll \"[.]\" \"\" }}";
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?)\\s*$");

  record Alert(String name, String expr, Map<String, String> labels, String runbook) {}

  static List<Alert> alerts() throws IOException {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode group : YAML.readTree(ALERTS.toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        Map<String, String> labels = new HashMap<>();
        rule.path("labels")
            .properties()
            .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        alerts.add(
            new Alert(
                rule.get("alert").asText(),
                rule.get("expr").asText(),
                labels,
                rule.path("annotations").path("runbook_url").asText()));
      }
    }
    return alerts;
  }

  /** The chart's default for prometheusRule.runbookBaseUrl: where the project publishes docs/. */
  static String publishedDocs() {
    return Chart.values(null).at("/prometheusRule/runbookBaseUrl").asText();
  }

  @Test
  void every_critical_rule_has_an_alert_that_fires_when_it_fails() throws IOException {
    List<Alert> alerts = alerts();
    List<String> critical =
        Rules.all().stream()
            .map(r -> r.info())
            .filter(i -> i.severity() == Severity.CRITICAL)
            .map(RuleInfo::id)
            .toList();
    assertThat(critical).contains("launcher.pull-secret-env", "pullsecret.registry-match");

    Map<String, List<String>> coveredBy = new HashMap<>();
    for (String rule : critical) {
      Map<String, String> failing =
          Map.of("rule", rule, "status", "fail", "severity", "critical", "namespace", "airbyte");
      for (Alert alert : alerts) {
        if (selects(alert.expr(), failing) || rule.equals(alert.labels().get("rule"))) {
          coveredBy.computeIfAbsent(rule, r -> new ArrayList<>()).add(alert.name());
        }
      }
    }

    assertThat(critical)
        .as("critical rules without an alert (alerts per rule: %s)", coveredBy)
        .allMatch(coveredBy::containsKey);
    assertThat(coveredBy)
        .as("each failing critical rule raises one alert, not several")
        .allSatisfy((rule, names) -> assertThat(names).as(rule).hasSize(1));
    assertThat(coveredBy.get("launcher.pull-secret-env"))
        .containsExactly("PulldoctorLauncherMisconfigured");
    assertThat(coveredBy.get("pullsecret.registry-match"))
        .containsExactly("PulldoctorPullSecretUnusable");
  }

  @Test
  void alerts_on_rule_results_ignore_passing_results_and_rules_of_lower_severity()
      throws IOException {
    for (Alert alert : alerts()) {
      for (RuleInfo info : Rules.all().stream().map(r -> r.info()).toList()) {
        assertThat(
                selects(
                    alert.expr(),
                    Map.of("rule", info.id(), "status", "pass", "severity", "critical")))
            .as("%s on a passing %s", alert.name(), info.id())
            .isFalse();
        if (info.severity() != Severity.CRITICAL) {
          assertThat(
                  selects(
                      alert.expr(),
                      Map.of(
                          "rule", info.id(), "status", "fail", "severity", info.severity().word())))
              .as("%s on a failing %s rule %s", alert.name(), info.severity().word(), info.id())
              .isFalse();
        }
      }
    }
  }

  @Test
  void every_runbook_url_is_absolute_and_opens_a_heading_of_the_docs() throws IOException {
    String base = publishedDocs();
    assertThat(base).isEqualTo("https://github.com/pulldoctor/pulldoctor/blob/main/docs/");

    List<String> checked = new ArrayList<>();
    for (Alert alert : alerts()) {
      assertThat(alert.runbook()).as(alert.name()).startsWith(base);
      List<String> urls = new ArrayList<>();
      if (alert.runbook().contains("{{")) {
        assertThat(alert.runbook()).as(alert.name()).endsWith("rules.md#" + RULE_ANCHOR);
        for (RuleInfo info : Rules.all().stream().map(r -> r.info()).toList()) {
          if (selects(
              alert.expr(),
              Map.of("rule", info.id(), "status", "fail", "severity", info.severity().word()))) {
            urls.add(alert.runbook().replace(RULE_ANCHOR, info.id().replace(".", "")));
          }
        }
        assertThat(urls).as("rules %s alerts on", alert.name()).isNotEmpty();
      } else {
        urls.add(alert.runbook());
      }
      for (String url : urls) {
        URI uri = URI.create(url);
        assertThat(uri.isAbsolute()).as(url).isTrue();
        assertThat(uri.getScheme()).as(url).isEqualTo("https");
        String file = url.substring(base.length(), url.indexOf('#'));
        Path doc = DOCS.resolve(file);
        assertThat(doc).as("%s of %s", file, alert.name()).isRegularFile();
        assertThat(anchors(doc)).as("headings of %s", file).contains(uri.getFragment());
        checked.add(url);
      }
    }
    assertThat(checked)
        .contains(
            base + "rules.md#pullsecretexists",
            base + "rules.md#launcherpull-secret-env",
            base + "rules.md#pullsecretregistry-match",
            base + "daemon.md#troubleshooting");
  }

  /** The anchors GitHub gives the headings of a Markdown file. */
  static Set<String> anchors(Path markdown) throws IOException {
    Set<String> anchors = new TreeSet<>();
    Matcher heading = HEADING.matcher(Files.readString(markdown));
    while (heading.find()) {
      anchors.add(githubAnchor(heading.group(1)));
    }
    return anchors;
  }

  /** GitHub's rule: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
  static String githubAnchor(String heading) {
    return heading
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
        .strip()
        .replace(' ', '-');
  }

  /**
   * Whether some {@code pulldoctor_rule_results} selector of a PromQL expression accepts a series
   * with these labels (Prometheus's matchers: regexes are anchored, a missing label is empty).
   */
  static boolean selects(String expr, Map<String, String> labels) {
    Matcher selector = RULE_RESULTS.matcher(expr);
    boolean any = false;
    while (selector.find()) {
      boolean all = true;
      Matcher matcher = MATCHER.matcher(selector.group(1));
      while (matcher.find()) {
        String value = labels.getOrDefault(matcher.group(1), "");
        String operand = matcher.group(3).replace("\\\\", "\\").replace("\\\"", "\"");
        boolean ok =
            switch (matcher.group(2)) {
              case "=" -> value.equals(operand);
              case "!=" -> !value.equals(operand);
              case "=~" -> Pattern.matches(operand, value);
              default -> !Pattern.matches(operand, value);
            };
        all &= ok;
      }
      any |= all;
    }
    return any;
  }

  @Test
  void the_selector_reading_follows_prometheus() {
    Map<String, String> failing = Map.of("rule", "launcher.rollout", "status", "fail");
    assertThat(
            selects(
                "sum(pulldoctor_rule_results{rule=~\"launcher[.].+\", status=\"fail\"})", failing))
        .isTrue();
    assertThat(selects("pulldoctor_rule_results{rule=~\"launcher\", status=\"fail\"}", failing))
        .as("anchored")
        .isFalse();
    assertThat(selects("pulldoctor_rule_results{rule!~\"launcher[.].+\"}", failing)).isFalse();
    assertThat(selects("pulldoctor_rule_results{rule!=\"launcher.rollout\"}", failing)).isFalse();
    assertThat(selects("pulldoctor_registry_up == 0", failing)).isFalse();
    assertThat(githubAnchor("pullsecret.registry-match")).isEqualTo("pullsecretregistry-match");
    assertThat(githubAnchor("Tests with real parts")).isEqualTo("tests-with-real-parts");
  }
}
