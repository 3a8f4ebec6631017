package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Everything a rule may look at: the snapshot plus what the user asked for. */
public final class Diagnosis {
  private final Snapshot snapshot;
  private final Instant now;
  private final boolean offline;
  private final List<String> requestedImages;

  private Diagnosis(Snapshot snapshot, Instant now, boolean offline, List<String> requestedImages) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.now = Objects.requireNonNull(now, "now");
    this.offline = offline;
    this.requestedImages = List.copyOf(requestedImages);
  }

  public static Diagnosis of(
      Snapshot snapshot, Instant now, boolean offline, List<String> requestedImages) {
    return new Diagnosis(snapshot, now, offline, requestedImages);
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

  public List<String> requestedImages() {
    return requestedImages;
  }
}
