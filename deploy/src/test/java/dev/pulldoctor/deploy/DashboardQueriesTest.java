package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard shows pulldoctor's agent only: in a Prometheus that scrapes other JVMs, a
 * query without a job filter would add their memory and CPU to the agent's. Every series a panel or
 * variable reads is selected by the dashboard's {@code job} variable, whose choices are the jobs
 * that export {@code pulldoctor_build_info}.
 */
class DashboardQueriesTest {
  static final Path DASHBOARD = Path.of("..", "dashboards", "grafana", "pulldoctor.json");
  static final String JOB_FILTER = "job=~\"$job\"";
  // A metric name in PromQL, followed by its selector if it has one.
  private static final Pattern SERIES =
      Pattern.compile(
          "\\b((?:pulldoctor|jvm|process|jetty|system)_[a-z0-9_]+|up)\\b\\s*(\\{[^}]*})?");

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every PromQL expression of the panels, titled. */
  static List<String[]> panelQueries(JsonNode dashboard) {
    List<String[]> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new String[] {panel.path("title").asText(), target.path("expr").asText()});
      }
    }
    return queries;
  }

  @Test
  void every_series_a_panel_reads_is_filtered_to_the_pulldoctor_job() throws IOException {
    List<String> unfiltered = new ArrayList<>();
    List<String> series = new ArrayList<>();
    for (String[] query : panelQueries(dashboard())) {
      Matcher matcher = SERIES.matcher(query[1]);
      while (matcher.find()) {
        series.add(matcher.group(1));
        String selector = matcher.group(2);
        if (selector == null || !selector.contains(JOB_FILTER)) {
          unfiltered.add(query[0] + ": " + matcher.group());
        }
      }
    }

    assertThat(series)
        .as("the JVM and process metrics of 'Agent memory and CPU' are among those checked")
        .contains("jvm_memory_used_bytes", "process_cpu_seconds_total", "pulldoctor_rule_results");
    assertThat(unfiltered).as("series read without %s", JOB_FILTER).isEmpty();
  }

  @Test
  void the_job_variable_offers_only_jobs_that_export_pulldoctor_metrics() throws IOException {
    JsonNode job = null;
    JsonNode namespace = null;
    for (JsonNode variable : dashboard().path("templating").path("list")) {
      if (variable.path("name").asText().equals("job")) {
        job = variable;
      } else if (variable.path("name").asText().equals("namespace")) {
        namespace = variable;
      }
    }
    assertThat(job).as("a 'job' variable").isNotNull();
    assertThat(namespace).as("a 'namespace' variable").isNotNull();

    assertThat(job.path("type").asText()).isEqualTo("query");
    assertThat(job.path("definition").asText())
        .isEqualTo("label_values(pulldoctor_build_info, job)");
    assertThat(job.path("query").path("query").asText()).isEqualTo(job.path("definition").asText());
    // "All" must mean every pulldoctor job, not ".*" (every job of the Prometheus).
    assertThat(job.path("allValue").asText("")).isEmpty();
    assertThat(namespace.path("definition").asText())
        .isEqualTo("label_values(pulldoctor_rule_results{" + JOB_FILTER + "}, namespace)");
  }

  @Test
  void the_agent_panel_shows_each_agent_instead_of_a_sum_over_targets() throws IOException {
    List<String> agent =
        panelQueries(dashboard()).stream()
            .filter(q -> q[0].equals("Agent memory and CPU"))
            .map(q -> q[1])
            .toList();

    assertThat(agent)
        .containsExactly(
            "sum by (instance) (jvm_memory_used_bytes{" + JOB_FILTER + ", area=\"heap\"})",
            "sum by (instance) (rate(process_cpu_seconds_total{"
                + JOB_FILTER
                + "}[$__rate_interval]))");
  }
}
