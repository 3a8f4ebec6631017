package dev.pulldoctor.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.serve.RunOutcome;
import dev.pulldoctor.agent.serve.RunRecord;
import dev.pulldoctor.agent.serve.RunTrigger;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run looks like on {@code /metrics}. */
class RunMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void a_failing_install_shows_per_rule_and_cause_counts() throws Exception {
    Metrics metrics = Metrics.create("1.2.3");
    RunMetrics runs = new RunMetrics(metrics.registry(), infos(Rules.all()));
    Report report = report("abctl-missing-pull-secret", Rules.all());

    runs.accept(success(report));

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains(
            "pulldoctor_rule_results{namespace=\"airbyte-abctl\",rule=\"pullsecret.exists\","
                + "severity=\"critical\",status=\"fail\"} 1",
            "pulldoctor_rule_results{namespace=\"airbyte-abctl\",rule=\"pullsecret.exists\","
                + "severity=\"critical\",status=\"pass\"} 0",
            "pulldoctor_image_pull_failures{cause=\"auth\",namespace=\"airbyte-abctl\"} 1",
            "pulldoctor_image_pull_failures{cause=\"tls\",namespace=\"airbyte-abctl\"} 0",
            "pulldoctor_runs_total{outcome=\"success\"} 1.0",
            "pulldoctor_runs_total{outcome=\"error\"} 0.0",
            "pulldoctor_build_info{version=\"1.2.3\"} 1",
            "pulldoctor_last_successful_run_timestamp_seconds 1.795")
        .doesNotContain("source-orders-spec", "ghcr-creds", "acme-data-bot");
  }

  private static List<RuleInfo> infos(List<Rule> rules) {
    return rules.stream().map(Rule::info).toList();
  }

  private static RunRecord success(Report report) {
    return new RunRecord(
        RunTrigger.START, RunOutcome.SUCCESS, NOW, Duration.ofMillis(1500), report, null);
  }

  static Report report(String example, List<Rule> rules) throws Exception {
    var snapshot =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", example)), null);
    return new RuleEngine(rules)
        .run(Diagnosis.of(snapshot, snapshot.capturedAt(), true, List.of()), NOW);
  }
}
