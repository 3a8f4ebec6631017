package dev.pulldoctor.rules.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Describes the input of a diagnosis.
 *
 * @param type cluster, manifests or bundle
 * @param context kubeconfig context name, or the manifest paths, or the bundle file
 * @param namespace the Airbyte namespace the snapshot was taken from
 */
public record Source(SourceType type, @Nullable String context, String namespace) {
  public Source {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
  }
}
