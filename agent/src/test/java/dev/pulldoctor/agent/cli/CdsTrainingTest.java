package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The CDS training run that {@code mvn package} starts must get through every command: a command
 * that throws would end the run before the JVM writes the archive.
 */
class CdsTrainingTest {
  @Test
  void runs_every_command_against_the_example_and_a_stand_in_api_server() {
    assertThatCode(
            () -> CdsTraining.main(new String[] {CliRun.example("healthy-private-registry")}))
        .doesNotThrowAnyException();
  }

  @Test
  void needs_the_example_directory() {
    assertThatThrownBy(() -> CdsTraining.main(new String[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("usage");
  }
}
