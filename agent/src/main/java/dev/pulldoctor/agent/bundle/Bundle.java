package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.model.Snapshot;

/**
 * A bundle read back: the snapshot to run the rules on, and what its manifest says.
 *
 * @param snapshot the objects, pull-secret views, observations and collection errors of the bundle,
 *     with source type {@code bundle}
 * @param manifest the manifest
 */
public record Bundle(Snapshot snapshot, BundleManifest manifest) {}
