package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a rule may look at: the snapshot, what the user asked for, and the models derived once
 * from them (the Airbyte install and the images under diagnosis).
 */
public final class Diagnosis {
  private final Snapshot snapshot;
  private final Instant now;
  private final boolean offline;
  private final AirbyteInstall install;
  private final List<TargetImage> images;
  private final List<String> requestedImages;

  private Diagnosis(
      Snapshot snapshot,
      Instant now,
      boolean offline,
      List<String> requestedImages,
      @Nullable List<TargetImage> carriedImages) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.now = Objects.requireNonNull(now, "now");
    this.offline = offline;
    this.requestedImages = List.copyOf(requestedImages);
    this.install = AirbyteInstall.from(snapshot, snapshot.source().namespace());
    this.images =
        carriedImages == null
            ? ImageInventory.collect(snapshot, install, requestedImages)
            : ImageInventory.carried(carriedImages, snapshot, install);
  }

  /**
   * Prepares a diagnosis: finds the Airbyte install and the images to check.
   *
   * @param snapshot what was collected
   * @param now the clock for time-based rules ({@code --now}, else the capture time)
   * @param offline whether rules may not make network calls (registry rules then skip)
   * @param requestedImages images named with {@code --image}; empty to discover them
   */
  public static Diagnosis of(
      Snapshot snapshot, Instant now, boolean offline, List<String> requestedImages) {
    return new Diagnosis(snapshot, now, offline, requestedImages, null);
  }

  /**
   * The same diagnosis of another snapshot: what a replayed fix is judged on. The images stay the
   * ones diagnosed, even when a replay retired the job pods that named them.
   */
  public Diagnosis of(Snapshot other) {
    return new Diagnosis(other, now, offline, requestedImages, images);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  public Instant now() {
    return now;
  }

  public boolean offline() {
    return offline;
  }

  public AirbyteInstall install() {
    return install;
  }

  public List<TargetImage> images() {
    return images;
  }

  /** The reference of the first image under diagnosis that has a valid one. */
  public Optional<ImageReference> firstValidReference() {
    return images.stream().map(TargetImage::reference).flatMap(Optional::stream).findFirst();
  }

  /**
   * The pull-secret names a job pod for {@code image} has: Airbyte's configured list, else what the
   * image's first job pod in the job namespace carried. Names as written, empty ones included.
   */
  public List<String> jobPodPullSecrets(TargetImage image) {
    List<String> configured = install.jobPodPullSecrets();
    if (!configured.isEmpty()) {
      return configured;
    }
    String namespace = install.jobNamespace();
    return image.pods().stream()
        .flatMap(
            ref ->
                snapshot.pods().stream()
                    .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
                    .filter(p -> ref.name().equals(p.getMetadata().getName())))
        .findFirst()
        .map(Diagnosis::pullSecretsOf)
        .orElse(List.of());
  }

  private static List<String> pullSecretsOf(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getImagePullSecrets() == null) {
      return List.of();
    }
    return pod.getSpec().getImagePullSecrets().stream()
        .map(LocalObjectReference::getName)
        .filter(Objects::nonNull)
        .toList();
  }
}
