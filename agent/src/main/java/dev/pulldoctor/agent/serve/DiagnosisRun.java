package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.CachedKinds;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;

/** One full diagnosis: collect, run every rule. The daemon calls it from one thread at a time. */
@FunctionalInterface
public interface DiagnosisRun {
  Diagnosed run() throws ClusterUnreachableException;

  /**
   * From now on, take what {@code cache} holds instead of listing it (the daemon's informers); a
   * diagnosis that reads no cluster ignores it.
   */
  default void readFrom(CachedKinds cache) {}
}
