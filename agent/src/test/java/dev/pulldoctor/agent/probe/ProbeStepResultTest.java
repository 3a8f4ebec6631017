package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProbeStepResultTest {
  private final ProbeStepResult.Finished found =
      new ProbeStepResult.Finished(Access.notChecked("a"), Manifest.notChecked("m"));

  @Test
  void proceed_runs_the_next_step_with_its_credentials() {
    AtomicReference<String> sent = new AtomicReference<>();

    ProbeStepResult.Finished result =
        new ProbeStepResult.Proceed("Bearer t")
            .then(
                go -> {
                  sent.set(go.authorization());
                  return found;
                });

    assertThat(result).isSameAs(found);
    assertThat(sent).hasValue("Bearer t");
  }

  @Test
  void finished_ends_the_probe_without_the_next_step() {
    ProbeStepResult.Finished result =
        found.then(
            go -> {
              throw new AssertionError("the next step ran");
            });

    assertThat(result).isSameAs(found);
  }

  @Test
  void proceed_never_prints_its_credentials() {
    assertThat(new ProbeStepResult.Proceed("Bearer s3cret").toString())
        .doesNotContain("s3cret")
        .contains("with credentials");
    assertThat(new ProbeStepResult.Proceed(null).toString()).contains("anonymous");
  }
}
