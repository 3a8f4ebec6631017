package dev.pulldoctor.agent.bundle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Seeds fabric8's mock API server (CRUD mode) with objects, creating their namespaces first. */
final class MockCluster {
  private MockCluster() {}

  static void seed(KubernetesClient client, List<HasMetadata> objects) {
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

  /** A kubeconfig pointing at the mock server, for the CLI. */
  static Path kubeconfig(KubernetesClient client, Path dir) throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: mock
          context: {cluster: mock, user: mock, namespace: airbyte}
        current-context: mock
        users:
        - name: mock
          user: {token: not-a-canary}
        """
            .formatted(client.getConfiguration().getMasterUrl()),
        StandardCharsets.UTF_8);
    return kubeconfig;
  }
}
