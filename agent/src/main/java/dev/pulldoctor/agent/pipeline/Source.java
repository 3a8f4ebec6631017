package dev.pulldoctor.agent.pipeline;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Where a diagnosis reads the objects from: a cluster, kubectl dumps, or a support bundle. */
public sealed interface Source {
  /**
   * The cluster of a kubeconfig context; its images are probed unless offline.
   *
   * @param kubeconfig the kubeconfig file, null for the default
   * @param context the context, null for the current one
   * @param namespace the Airbyte namespace, null to find it
   */
  record Cluster(@Nullable Path kubeconfig, @Nullable String context, @Nullable String namespace)
      implements Source {
    /**
     * Whether the default configuration is used (no kubeconfig or context named), so that inside a
     * pod the cluster is the pod's own.
     */
    public boolean defaultConfig() {
      return kubeconfig == null && context == null;
    }
  }

  /**
   * YAML/JSON dumps of objects; only images the user names are probed: the files may be old or
   * foreign.
   */
  record Manifests(List<Path> paths, @Nullable String namespace) implements Source {
    public Manifests {
      paths = List.copyOf(paths);
    }
  }

  /** A support bundle: never probed nor discovered, it is a record of another time and place. */
  record SupportBundle(Path file) implements Source {}
}
