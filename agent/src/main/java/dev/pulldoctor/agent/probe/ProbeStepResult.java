package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a step of one image's probe ended with: go on with these credentials ({@link Proceed}), or
 * the findings the probe ends with ({@link Finished}). {@link TokenStep} gives either; {@link
 * ManifestStep} always finishes.
 */
sealed interface ProbeStepResult permits ProbeStepResult.Proceed, ProbeStepResult.Finished {

  /** The findings: this result's own, or those of {@code next} run on the credentials to go on. */
  Finished then(Function<Proceed, Finished> next);

  /**
   * Go on to the next step.
   *
   * @param authorization the {@code Authorization} value to send; null: ask anonymously
   */
  record Proceed(@Nullable String authorization) implements ProbeStepResult {
    @Override
    public Finished then(Function<Proceed, Finished> next) {
      return next.apply(this);
    }

    /** Hides the credentials, should this record ever be printed. */
    @Override
    public String toString() {
      return "Proceed[" + (authorization == null ? "anonymous" : "with credentials") + "]";
    }
  }

  /** The probe ends here with what it learnt of access and of the manifest. */
  record Finished(Access access, Manifest manifest) implements ProbeStepResult {
    @Override
    public Finished then(Function<Proceed, Finished> next) {
      return this;
    }
  }
}
