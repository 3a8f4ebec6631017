package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.model.RegistryObservation.Certificate;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import dev.pulldoctor.rules.model.RegistryObservation.StageTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Stage timings, the address connected to and the server certificate of one exchange. */
final class Trace {
  private final List<StageTime> timings = new ArrayList<>();
  private @Nullable Certificate certificate;
  private @Nullable String address;

  void time(Stage stage, long startNanos) {
    timings.add(new StageTime(stage, (System.nanoTime() - startNanos) / 1_000_000));
  }

  void certificate(@Nullable Certificate presented) {
    this.certificate = presented;
  }

  void address(String connected) {
    this.address = connected;
  }

  List<StageTime> timings() {
    return List.copyOf(timings);
  }

  @Nullable Certificate certificate() {
    return certificate;
  }

  @Nullable String address() {
    return address;
  }
}
