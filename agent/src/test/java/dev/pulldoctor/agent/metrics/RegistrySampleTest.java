package dev.pulldoctor.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registry samples from registry.reachable results, and the cap on the registry label. */
class RegistrySampleTest {
  private static final RuleInfo REACHABLE =
      new RuleInfo(
          "registry.reachable", "Registry answers", Severity.CRITICAL, "x", "y", List.of());

  @Test
  void one_sample_per_registry_down_if_any_result_failed_and_the_slowest_stage_times()
      throws Exception {
    Report report =
        withResults(
            Result.of(REACHABLE, Status.PASS, null, "ghcr.io/acme/a:1", "ok")
                .withEvidence("timingsMs", Map.of("dns", 10, "tls", 30, "bogus", 1)),
            Result.of(REACHABLE, Status.FAIL, null, "ghcr.io/acme/b:1", "TLS failed")
                .withEvidence("timingsMs", Map.of("dns", 20)),
            Result.of(REACHABLE, Status.PASS, null, "busybox:1", "ok"),
            Result.of(REACHABLE, Status.SKIP, null, "quay.io/x/y:1", "offline"),
            Result.of(REACHABLE, Status.PASS, null, null, "ok")
                .withEvidence("registry", "Registry.Example.com:5000"));

    List<RegistrySample> samples = RegistrySample.from(report);

    assertThat(samples)
        .containsExactly(
            new RegistrySample("docker.io", true, Map.of()),
            new RegistrySample("ghcr.io", false, Map.of("dns", 0.02, "tls", 0.03)),
            new RegistrySample("registry.example.com:5000", true, Map.of()));
  }

  @Test
  void at_most_twenty_registries_become_label_values() throws Exception {
    Metrics metrics = Metrics.create("dev");
    RunMetrics runs = new RunMetrics(metrics.registry(), List.of(REACHABLE));
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      results.add(
          Result.of(REACHABLE, Status.PASS, null, "registry" + i + ".example.com/a/b:1", "ok")
              .withEvidence("timingsMs", Map.of("dns", 1)));
    }
    runs.accept(
        new dev.pulldoctor.agent.serve.RunRecord(
            dev.pulldoctor.agent.serve.RunTrigger.START,
            dev.pulldoctor.agent.serve.RunOutcome.SUCCESS,
            java.time.Instant.now(),
            java.time.Duration.ofSeconds(1),
            withResults(results.toArray(Result[]::new)),
            null));
    String scrape = metrics.scrape();
    assertThat(scrape.lines().filter(l -> l.startsWith("pulldoctor_registry_up{"))).hasSize(20);
    metrics.close();
  }

  private static Report withResults(Result... results) throws Exception {
    Report base =
        RunMetricsTest.report("healthy-private-registry", dev.pulldoctor.rules.Rules.all());
    return new Report(
        base.generatedAt(),
        base.source(),
        base.airbyte(),
        base.images(),
        List.of(results),
        Summary.of(List.of(results)));
  }
}
