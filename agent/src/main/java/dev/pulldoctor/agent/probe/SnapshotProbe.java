package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.ActivePull;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.registry.ProbeTarget;
import dev.pulldoctor.rules.registry.ProbeTargets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The probe step of a diagnosis, shared by {@code diagnose} and the daemon: finds the images'
 * registries and the credentials the kubelet would send, probes them, optionally runs the active
 * pull test, and returns the snapshot with what it saw.
 */
public final class SnapshotProbe {
  /** Makes a node pull an image for real (the active pull test). */
  @FunctionalInterface
  public interface ActivePullRunner {
    ActivePull run(AirbyteInstall install, String image);
  }

  private final ProbePolicy policy;
  private final ProbeSetup setup;
  private final String userAgent;
  private final Consumer<String> progress;

  /**
   * A probe step.
   *
   * @param userAgent sent to registries, e.g. {@code pulldoctor/1.0.0}
   * @param progress told what is being probed, for a terminal
   */
  public SnapshotProbe(
      ProbePolicy policy, ProbeSetup setup, String userAgent, Consumer<String> progress) {
    this.policy = policy;
    this.setup = setup;
    this.userAgent = userAgent;
    this.progress = progress;
  }

  /**
   * Probes the registries of the images the diagnosis would check.
   *
   * @param now the rules' clock (the install and images do not depend on it)
   * @param images images named by the user; empty to take those the diagnosis finds
   * @param secrets where the pull secrets' values are read, at probe time only
   * @param activePull the active pull test, or null to leave it out
   */
  public Snapshot probe(
      Snapshot snapshot,
      Instant now,
      List<String> images,
      SecretSource secrets,
      @Nullable ActivePullRunner activePull) {
    Diagnosis diagnosis = Diagnosis.of(snapshot, now, false, images);
    List<ProbeTarget> targets = ProbeTargets.of(diagnosis);
    if (targets.isEmpty()) {
      return snapshot;
    }
    progress.accept(
        "probing "
            + targets.stream().map(ProbeTarget::registry).distinct().count()
            + " registr(ies) for "
            + targets.size()
            + " image(s)");
    RegistryProber prober =
        new RegistryProber(
            policy,
            setup.resolver(),
            setup.connector(),
            setup.tls(),
            setup.proxies(),
            secrets,
            userAgent);
    List<RegistryObservation> observations = prober.probe(targets);
    if (activePull != null) {
      List<RegistryObservation> tested = new ArrayList<>();
      for (RegistryObservation observation : observations) {
        progress.accept("active pull test of " + observation.image());
        tested.add(
            observation.withActivePull(activePull.run(diagnosis.install(), observation.image())));
      }
      observations = tested;
    }
    return snapshot.withRegistryObservations(observations);
  }
}
