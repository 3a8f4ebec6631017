package dev.pulldoctor.agent.cli;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.image.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the live {@code registry.reachable} rule (another work item): it reports every
 * image's registry as reachable with fixed stage timings, in the evidence shape the metrics read,
 * so that the registry metrics exist in a scrape without network access.
 */
final class StubRegistryReachableRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "registry.reachable",
          "The registry answers (test stand-in)",
          Severity.CRITICAL,
          "Stand-in for tests.",
          "None.",
          List.of());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    List<Result> results = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      String registry =
          ImageReference.tryParse(image.effective()).map(ImageReference::domain).orElse("unknown");
      Map<String, Object> timings = new LinkedHashMap<>();
      timings.put("dns", 2);
      timings.put("tcp", 5);
      timings.put("tls", 31);
      timings.put("http", 48);
      results.add(
          Result.of(INFO, Status.PASS, null, image.effective(), registry + " answered")
              .withEvidence("registry", registry)
              .withEvidence("timings", timings));
    }
    return results;
  }
}
