package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Kubernetes client from {@code --kubeconfig} / {@code --context} or in-cluster config.
 */
public final class KubeClients {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int REQUEST_TIMEOUT_MS = 30_000;
  // A CLI answers fast: two retries of 429/5xx instead of fabric8's default ten.
  private static final int RETRIES = 2;

  private KubeClients() {}

  /** A connected client plus the context name, for the report's {@code source.context}. */
  public record Connection(
      KubernetesClient client, @Nullable String context, @Nullable String defaultNamespace)
      implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  public static Connection connect(@Nullable Path kubeconfig, @Nullable String context)
      throws InputException {
    Config config;
    try {
      if (kubeconfig != null) {
        if (!Files.isRegularFile(kubeconfig)) {
          throw new InputException("--kubeconfig: no such file: " + kubeconfig);
        }
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } else {
        config = Config.autoConfigure(context);
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      String where = kubeconfig == null ? "the kubeconfig" : kubeconfig.toString();
      throw new InputException("cannot read " + where + ": " + e.getClass().getSimpleName());
    }
    if (context != null && !hasContext(config.getContexts(), context)) {
      List<String> known =
          config.getContexts() == null
              ? List.of()
              : config.getContexts().stream().map(NamedContext::getName).toList();
      throw new InputException(
          "--context: no context named '"
              + context
              + "' in the kubeconfig"
              + (known.isEmpty() ? "" : " (contexts: " + String.join(", ", known) + ")"));
    }
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
    config.setRequestRetryBackoffLimit(RETRIES);
    String contextName =
        config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    return new Connection(client, contextName, config.getNamespace());
  }

  private static boolean hasContext(@Nullable List<NamedContext> contexts, String name) {
    return contexts != null && contexts.stream().anyMatch(c -> Objects.equals(c.getName(), name));
  }
}
