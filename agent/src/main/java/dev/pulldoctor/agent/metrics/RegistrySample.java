package dev.pulldoctor.agent.metrics;

import dev.pulldoctor.rules.checks.RegistryReachableRule;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.RegistryObservation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether one registry answered in the last run, and how long each stage of reaching it took.
 *
 * <p>Read from the {@code registry.reachable} results: their status, the evidence {@code registry}
 * (else the host of the result's image) and the evidence {@code timingsMs}, a map from stage
 * ({@code dns}, {@code tcp}, {@code proxy}, {@code tls}, {@code http}) to milliseconds. Skipped
 * results (offline, no probe) give no sample.
 *
 * @param stageSeconds seconds per stage, only stages of the closed set
 */
public record RegistrySample(String registry, boolean up, Map<String, Double> stageSeconds) {
  /** The rule whose results carry the probe's outcome. */
  public static final String RULE = "registry.reachable";

  /** The stages of reaching a registry, in order: the {@code stage} label's closed set. */
  public static final List<String> STAGES =
      Arrays.stream(RegistryObservation.Stage.values())
          .map(RegistryObservation.Stage::word)
          .toList();

  private static final Set<String> STAGE_SET = Set.copyOf(STAGES);

  public RegistrySample {
    Objects.requireNonNull(registry, "registry");
    stageSeconds = Map.copyOf(stageSeconds);
  }

  /** One sample per registry: down if any of its results failed, the slowest time per stage. */
  public static List<RegistrySample> from(Report report) {
    Map<String, RegistrySample> byRegistry = new TreeMap<>();
    for (Result result : report.results()) {
      if (!result.rule().equals(RULE) || result.status() == Status.SKIP) {
        continue;
      }
      Optional<String> registry = registry(result);
      if (registry.isEmpty()) {
        continue;
      }
      boolean up = result.status() == Status.PASS || result.status() == Status.WARN;
      RegistrySample sample = new RegistrySample(registry.get(), up, timings(result));
      byRegistry.merge(registry.get(), sample, RegistrySample::merge);
    }
    return List.copyOf(byRegistry.values());
  }

  private RegistrySample merge(RegistrySample other) {
    Map<String, Double> slowest = new LinkedHashMap<>(stageSeconds);
    other.stageSeconds.forEach((stage, seconds) -> slowest.merge(stage, seconds, Math::max));
    return new RegistrySample(registry, up && other.up, slowest);
  }

  private static Optional<String> registry(Result result) {
    Optional<String> named = result.registry().filter(host -> !host.isBlank());
    if (named.isPresent()) {
      return named.map(host -> host.toLowerCase(Locale.ROOT));
    }
    return Optional.ofNullable(result.image())
        .flatMap(ImageReference::tryParse)
        .map(r -> r.domain().toLowerCase(Locale.ROOT));
  }

  private static Map<String, Double> timings(Result result) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    if (result.evidence().get(RegistryReachableRule.TIMINGS_EVIDENCE)
        instanceof Map<?, ?> timings) {
      timings.forEach(
          (stage, millis) -> {
            if (stage instanceof String s && STAGE_SET.contains(s) && millis instanceof Number n) {
              seconds.put(s, n.doubleValue() / 1_000.0);
            }
          });
    }
    return seconds;
  }
}
