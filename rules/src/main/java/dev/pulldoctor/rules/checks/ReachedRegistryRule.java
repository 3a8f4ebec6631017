package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.model.RegistryObservation;
import java.util.List;
import java.util.Optional;

/**
 * A rule about what an image's registry answered to pulldoctor's probe: an image whose registry was
 * not probed, or did not answer, gets a skip saying why; results read from a support bundle are
 * dated ({@link RegistryProbes#dated}).
 */
interface ReachedRegistryRule extends EachImageRule {
  @Override
  default List<Result> evaluate(Diagnosis diagnosis, List<TargetImage> images) {
    return RegistryProbes.dated(diagnosis, EachImageRule.super.evaluate(diagnosis, images));
  }

  @Override
  default Result evaluate(Diagnosis diagnosis, TargetImage image) {
    Optional<RegistryObservation> observation = RegistryProbes.of(diagnosis, image);
    if (observation.isEmpty()) {
      return RegistryProbes.notProbed(info(), diagnosis, image);
    }
    if (!observation.get().connection().ok()) {
      return RegistryProbes.unreached(info(), observation.get());
    }
    return evaluate(diagnosis, image, observation.get());
  }

  /** The check of {@code image}, whose registry answered as {@code answered} holds. */
  Result evaluate(Diagnosis diagnosis, TargetImage image, RegistryObservation answered);
}
