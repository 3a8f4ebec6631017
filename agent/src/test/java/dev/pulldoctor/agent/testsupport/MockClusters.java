package dev.pulldoctor.agent.testsupport;

import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.ManifestReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fills fabric8's mock API server (CRUD mode) with the objects of manifests, as a cluster has them.
 */
public final class MockClusters {
  private MockClusters() {}

  /** Creates the objects' namespaces (unless they exist), then the objects. */
  public static void seed(KubernetesClient client, List<? extends HasMetadata> objects) {
    objects.stream()
        .map(o -> o.getMetadata().getNamespace())
        .filter(Objects::nonNull)
        .distinct()
        .forEach(
            ns ->
                client
                    .namespaces()
                    .resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .createOr(existing -> existing.update()));
    for (HasMetadata object : objects) {
      client.resource(object).create();
    }
  }

  /** Reads the manifests under {@code paths} and seeds their objects; returns the objects. */
  public static List<HasMetadata> seedFrom(KubernetesClient client, List<Path> paths)
      throws InputException {
    List<HasMetadata> objects = new ManifestReader().read(paths).objects();
    seed(client, objects);
    return objects;
  }
}
