package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pulldoctor.rules.Rules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape of the shipped dashboard and alert rules (what Grafana and Alertmanager rely on). */
class DashboardFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path DOCS = Path.of("..", "docs");
  // Rules of the live registry checks, which alerts name before their code lands.
  private static final Set<String> PENDING_RULES =
      Set.of("pullsecret.credentials", "registry.reachable");
  // Where runbook_url links point: the published docs/ (the chart can substitute a mirror).
  private static final String PUBLISHED_DOCS =
      "https://github.com/pulldoctor/pulldoctor/blob/main/docs/";
  private static final String RULE_ANCHOR = "{{ $labels.rule | reReplaceAll \"[.]\" \"\" }}";

  @Test
  void the_dashboard_has_a_fixed_uid_no_id_and_a_datasource_variable() throws Exception {
    JsonNode dashboard = JSON.readTree(PrometheusEndToEndTest.DASHBOARD.toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("pulldoctor");
    assertThat(dashboard.get("id").isNull()).isTrue();
    JsonNode variables = dashboard.path("templating").path("list");
    assertThat(variables.get(0).path("name").asText()).isEqualTo("datasource");
    assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
    assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(target.path("expr").asText()).isNotBlank();
      }
    }
    assertThat(titles)
        .contains(
            "Results by rule and status",
            "Connector image pull failures by cause",
            "Registry availability",
            "Registry probe latency by stage",
            "Last successful run");
  }

  @Test
  void every_alert_has_for_severity_summary_description_and_a_runbook_that_exists()
      throws Exception {
    JsonNode rules = YAML.readTree(PrometheusEndToEndTest.ALERTS.toFile()).at("/groups/0/rules");
    Set<String> ruleAnchors = anchors(DOCS.resolve("rules.md"));
    Set<String> daemonAnchors = anchors(DOCS.resolve("daemon.md"));
    Set<String> ids = new TreeSet<>(Rules.ids());
    ids.addAll(PENDING_RULES);
    List<String> names = new ArrayList<>();
    for (JsonNode rule : rules) {
      String name = rule.path("alert").asText();
      names.add(name);
      assertThat(rule.path("for").asText()).as(name).matches("\\d+m");
      assertThat(rule.path("labels").path("severity").asText())
          .as(name)
          .isIn("critical", "warning");
      JsonNode annotations = rule.path("annotations");
      String runbook = annotations.path("runbook_url").asText();
      assertThat(runbook).as(name).startsWith(PUBLISHED_DOCS);
      String page = runbook.substring(PUBLISHED_DOCS.length());
      String anchor = page.substring(page.indexOf('#') + 1);
      if (anchor.equals(RULE_ANCHOR)) {
        // An alert of a rule family: the rule comes from the failing series.
        assertThat(page).as(name).startsWith("rules.md#");
        assertThat(annotations.path("summary").asText()).as(name).contains("{{ $labels.rule }}");
        assertThat(annotations.path("description").asText())
            .as(name)
            .contains("{{ $labels.rule }}");
      } else if (page.startsWith("rules.md#")) {
        String id =
            ids.stream()
                .filter(i -> slug(i).equals(anchor))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no rule has the anchor " + anchor));
        assertThat(Rules.byId(id)).as(name + ": rule " + id).isPresent();
        assertThat(ruleAnchors).as(name).contains(anchor);
        assertThat(annotations.path("summary").asText()).as(name).contains(id);
        assertThat(annotations.path("description").asText()).as(name).contains(id);
      } else {
        assertThat(page).as(name).startsWith("daemon.md#");
        assertThat(daemonAnchors).as(name).contains(anchor);
        assertThat(annotations.path("summary").asText()).as(name).contains("pulldoctor");
      }
    }
    assertThat(names)
        .containsExactly(
            "PulldoctorPullSecretMissing",
            "PulldoctorPullSecretMalformed",
            "PulldoctorRegistryCredentialsRejected",
            "PulldoctorRegistryUnreachable",
            "PulldoctorJobLauncherRbacIncomplete",
            "PulldoctorLauncherMisconfigured",
            "PulldoctorPullSecretUnusable",
            "PulldoctorServiceAccountMisconfigured",
            "PulldoctorConnectorImageInvalid",
            "PulldoctorConnectorImageUnavailable",
            "PulldoctorKindImageNotLoaded",
            "PulldoctorConnectorImagePullFailures",
            "PulldoctorReportStale",
            "PulldoctorAgentDown");
  }

  /** GitHub's heading anchors: lower case, punctuation other than - and _ dropped. */
  static String slug(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }

  private static Set<String> anchors(Path markdown) throws Exception {
    Set<String> anchors = new TreeSet<>();
    Matcher heading =
        Pattern.compile("(?m)^#{1,6} (.+)$")
            .matcher(Files.readString(markdown, StandardCharsets.UTF_8));
    while (heading.find()) {
      anchors.add(slug(heading.group(1).strip()));
    }
    return anchors;
  }
}
