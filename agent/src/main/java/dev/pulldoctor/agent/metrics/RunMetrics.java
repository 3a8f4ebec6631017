package dev.pulldoctor.agent.metrics;

import dev.pulldoctor.agent.serve.RunOutcome;
import dev.pulldoctor.agent.serve.RunRecord;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.ObjectRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Turns each finished run into metrics. Every label comes from a closed set (rule ids of the
 * registered rules, statuses, severities, pull-error causes, stages, outcomes) or is a namespace of
 * the install or a registry host of an image under diagnosis (capped by {@link Metrics}); never a
 * pod, secret or user name, never free text. Rules are taken from the list given, so a new rule
 * shows up without a change here.
 */
public final class RunMetrics implements Consumer<RunRecord> {
  /** The rule whose results carry the classified pull failures. */
  static final String PULL_FAILURES_RULE = "events.pull-failures";

  private final List<RuleInfo> rules;
  private final MultiGauge ruleResults;
  private final MultiGauge pullFailures;
  private final MultiGauge registryUp;
  private final MultiGauge probeDuration;
  // Milliseconds since the epoch; 0 until the first run. Gauges read them at scrape time.
  private final AtomicLong lastRun = new AtomicLong();
  private final AtomicLong lastSuccess = new AtomicLong();
  private final Map<RunOutcome, Counter> runs = new EnumMap<>(RunOutcome.class);
  private final Timer duration;

  public RunMetrics(MeterRegistry registry, List<RuleInfo> rules) {
    this.rules = List.copyOf(rules);
    ruleResults =
        MultiGauge.builder("pulldoctor.rule.results")
            .description("Results of each rule in the last successful run, by status")
            .register(registry);
    pullFailures =
        MultiGauge.builder("pulldoctor.image.pull.failures")
            .description(
                "Connector pods whose image pull is failing in the last successful run, by cause")
            .register(registry);
    registryUp =
        MultiGauge.builder("pulldoctor.registry.up")
            .description("Whether the registry answered like a registry in the last probe (1/0)")
            .register(registry);
    probeDuration =
        MultiGauge.builder("pulldoctor.registry.probe.duration")
            .description("Time each stage of reaching the registry took in the last probe")
            .baseUnit("seconds")
            .register(registry);
    registerTimestamp(
        registry,
        "pulldoctor.last.run.timestamp",
        lastRun,
        "When the last run ended (successful or not), Unix time; 0 before the first");
    registerTimestamp(
        registry,
        "pulldoctor.last.successful.run.timestamp",
        lastSuccess,
        "When the last successful run ended, Unix time; 0 before the first");
    for (RunOutcome outcome : RunOutcome.values()) {
      runs.put(
          outcome,
          Counter.builder("pulldoctor.runs")
              .description(
                  "Diagnosis runs, by outcome (error: the Kubernetes API could not be read)")
              .tag("outcome", outcome.word())
              .register(registry));
    }
    duration =
        Timer.builder("pulldoctor.run.duration")
            .description("How long a diagnosis run took (collection and rules)")
            .register(registry);
  }

  /** A gauge of {@code epochMillis} in Unix seconds, read at scrape time. */
  private static void registerTimestamp(
      MeterRegistry registry, String name, AtomicLong epochMillis, String description) {
    Gauge.builder(name, epochMillis, t -> t.get() / 1_000.0)
        .strongReference(true)
        .description(description)
        .baseUnit("seconds")
        .register(registry);
  }

  /** {@code pulldoctor_report_stale}: 1 while the served report may no longer be current. */
  public static void bindStaleness(MeterRegistry registry, BooleanSupplier stale) {
    Gauge.builder("pulldoctor.report.stale", stale, s -> s.getAsBoolean() ? 1 : 0)
        .strongReference(true)
        .description(
            "1 while the served report may be out of date (the last run failed, or none succeeded"
                + " for two intervals)")
        .register(registry);
  }

  @Override
  public void accept(RunRecord record) {
    Instant ended = record.startedAt().plus(record.duration());
    lastRun.set(ended.toEpochMilli());
    Objects.requireNonNull(runs.get(record.outcome())).increment();
    duration.record(record.duration());
    Report report = record.report();
    if (record.outcome() == RunOutcome.SUCCESS && report != null) {
      lastSuccess.set(ended.toEpochMilli());
      ruleResults.register(ruleRows(report), true);
      pullFailures.register(pullFailureRows(report), true);
      List<RegistrySample> samples = RegistrySample.from(report);
      registryUp.register(registryRows(samples), true);
      probeDuration.register(stageRows(samples), true);
    }
  }

  /**
   * One row per rule and status, zeros included, so that a status that disappears goes to 0 instead
   * of vanishing; plus a row for any severity a result reports besides its rule's.
   */
  private List<MultiGauge.Row<?>> ruleRows(Report report) {
    String home = report.source().namespace();
    Set<String> installNamespaces = new HashSet<>(List.of(home, report.airbyte().jobNamespace()));
    Map<Tags, Integer> counts = new LinkedHashMap<>();
    for (RuleInfo rule : rules) {
      for (Status status : Status.values()) {
        counts.put(tags(rule.id(), status, rule.severity().word(), home), 0);
      }
    }
    for (Result result : report.results()) {
      ObjectRef subject = result.subject();
      String namespace =
          subject != null
                  && subject.namespace() != null
                  && installNamespaces.contains(subject.namespace())
              ? subject.namespace()
              : home;
      counts.merge(
          tags(result.rule(), result.status(), result.severity().word(), namespace),
          1,
          Integer::sum);
    }
    return rows(counts);
  }

  private static Tags tags(String rule, Status status, String severity, String namespace) {
    return Tags.of("rule", rule, "status", status.word(), "severity", severity)
        .and("namespace", namespace);
  }

  private static List<MultiGauge.Row<?>> pullFailureRows(Report report) {
    String jobNamespace = report.airbyte().jobNamespace();
    Map<Tags, Integer> counts = new LinkedHashMap<>();
    for (PullErrorCause cause : PullErrorCause.values()) {
      counts.put(Tags.of("namespace", jobNamespace, "cause", cause.word()), 0);
    }
    for (Result result : report.results()) {
      if (!result.rule().equals(PULL_FAILURES_RULE) || result.status() != Status.FAIL) {
        continue;
      }
      String cause = result.cause().orElse(PullErrorCause.OTHER).word();
      // Job pods run in the job namespace; a label per pod namespace would add nothing.
      counts.merge(Tags.of("namespace", jobNamespace, "cause", cause), 1, Integer::sum);
    }
    return rows(counts);
  }

  private static List<MultiGauge.Row<?>> rows(Map<Tags, Integer> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
    return rows;
  }

  private static List<MultiGauge.Row<?>> registryRows(List<RegistrySample> samples) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (RegistrySample sample : samples) {
      rows.add(MultiGauge.Row.of(Tags.of("registry", sample.registry()), sample.up() ? 1 : 0));
    }
    return rows;
  }

  private static List<MultiGauge.Row<?>> stageRows(List<RegistrySample> samples) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (RegistrySample sample : samples) {
      for (String stage : RegistrySample.STAGES) {
        Double seconds = sample.stageSeconds().get(stage);
        if (seconds != null) {
          rows.add(
              MultiGauge.Row.of(Tags.of("registry", sample.registry(), "stage", stage), seconds));
        }
      }
    }
    return rows;
  }
}
