package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;

/** One full diagnosis: collect, run every rule. The daemon calls it from one thread at a time. */
@FunctionalInterface
public interface DiagnosisRun {
  Diagnosed run() throws ClusterUnreachableException;
}
