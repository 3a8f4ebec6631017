package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.model.Snapshot;

/**
 * What a run adds to the collected snapshot before the rules see it: what Airbyte's API lists and
 * what the registry probes observe. It reports its own failures inside the snapshot and never
 * throws for what the network answered.
 */
@FunctionalInterface
public interface SnapshotStep {
  /** Adds nothing. */
  SnapshotStep NONE = snapshot -> snapshot;

  Snapshot apply(Snapshot snapshot);
}
