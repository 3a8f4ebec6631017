package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.SourceType;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the registry rules share: finding an image's probe, and saying why there is none. */
final class RegistryProbes {
  private RegistryProbes() {}

  static Optional<RegistryObservation> of(Diagnosis diagnosis, TargetImage image) {
    return diagnosis.snapshot().registryObservation(image.effective());
  }

  /** A skip saying why the image's registry was not probed. */
  static Result notProbed(RuleInfo info, Diagnosis diagnosis, TargetImage image) {
    if (image.reference().isEmpty()) {
      return TargetImagesRule.invalidReference(info, image, "no pull happens");
    }
    SourceType source = diagnosis.snapshot().source().type();
    String reason;
    if (source == SourceType.BUNDLE) {
      reason =
          "read from a support bundle: pulldoctor does not probe registries from a bundle (it was"
              + " made on another network, at another time); run diagnose where the cluster is";
    } else if (diagnosis.offline()) {
      reason =
          "--offline: pulldoctor made no registry call; run without --offline to probe the"
              + " registry";
    } else if (source == SourceType.MANIFESTS) {
      reason =
          "read from manifests: pulldoctor probes registries only for images named with --image";
    } else {
      reason = "the registry of this image was not probed";
    }
    return Result.forImage(info, Status.SKIP, image.effective(), reason);
  }

  /** A skip for an image whose registry did not answer: registry.reachable explains it. */
  static Result unreached(RuleInfo info, RegistryObservation observation) {
    return Result.forImage(
        info,
        Status.SKIP,
        observation.image(),
        "the registry "
            + observation.registry()
            + " was not reached, so this was not checked (see registry.reachable)");
  }

  /**
   * {@code result} with the registry's answer as evidence: its host, and the HTTP status and the
   * registry's error code when it gave them.
   */
  static Result withAnswer(
      Result result, RegistryObservation seen, int httpStatus, @Nullable String errorCode) {
    Result answered = result.withRegistry(seen.registry());
    if (httpStatus > 0) {
      answered = answered.withEvidence("httpStatus", httpStatus);
    }
    if (errorCode != null) {
      answered = answered.withEvidence("registryError", errorCode);
    }
    return answered;
  }

  /**
   * Results read from a support bundle say when their observation was made: a registry's answer is
   * a fact about that moment, not about now.
   */
  static List<Result> dated(Diagnosis diagnosis, List<Result> results) {
    if (diagnosis.snapshot().source().type() != SourceType.BUNDLE) {
      return results;
    }
    String when = " (observed " + diagnosis.snapshot().capturedAt() + ", when the bundle was made)";
    return results.stream()
        .map(
            r ->
                r.status() == Status.SKIP
                    ? r
                    : new Result(
                        r.rule(),
                        r.status(),
                        r.severity(),
                        r.subject(),
                        r.image(),
                        r.message() + when,
                        r.remediation(),
                        r.evidence(),
                        r.fix()))
        .toList();
  }
}
