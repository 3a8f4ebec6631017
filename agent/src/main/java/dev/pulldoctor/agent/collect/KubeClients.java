package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Utils;
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

  /**
   * Connects as {@code --kubeconfig} and {@code --context} say, else as kubectl would.
   *
   * @throws ClusterUnreachableException when a kubeconfig file is missing, a directory or not a
   *     kubeconfig (the message names the file and, for bad YAML, the line and column)
   */
  public static Connection connect(@Nullable Path kubeconfig, @Nullable String context)
      throws InputException, ClusterUnreachableException {
    return connect(kubeconfig, context, CONNECT_TIMEOUT_MS);
  }

  /**
   * Connects as {@link #connect} does, for a process that watches for hours: with no connect
   * timeout of its own, a connect being bounded by the request timeout (30 s), which includes it
   * (with fabric8's two retries, an unreachable address fails a request after about 90 s, not 30).
   * Java 17's HTTP client keeps a connection's connect-timeout event, and through it the first
   * exchange on that connection with its whole response body, for as long as the connection lives.
   * The daemon's watches are upgrades of connections that first carried an informer's LIST, so each
   * watch kept a page of its LIST (up to 4 MiB of pods) alive; without a connect timeout no such
   * event exists. A connect timeout set through fabric8's own setting still applies.
   */
  public static Connection connectForWatching(@Nullable Path kubeconfig, @Nullable String context)
      throws InputException, ClusterUnreachableException {
    return connect(kubeconfig, context, 0);
  }

  private static Connection connect(
      @Nullable Path kubeconfig, @Nullable String context, int connectTimeoutMs)
      throws InputException, ClusterUnreachableException {
    KubeconfigFiles.check(kubeconfig);
    Config config;
    try {
      if (kubeconfig != null) {
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } else {
        config = Config.autoConfigure(context);
      }
    } catch (RuntimeException e) {
      // Valid YAML of the wrong shape: fabric8's exceptions vary with the field and may quote it.
      String where = kubeconfig == null ? "the kubeconfig" : kubeconfig.toString();
      throw new ClusterUnreachableException(
          "cannot read kubeconfig " + where + ": not a valid kubeconfig");
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
    // fabric8's own settings (system property kubernetes.request.timeout or environment variable
    // KUBERNETES_REQUEST_TIMEOUT, and the like) win over these defaults: a slow link may need
    // longer, and the fault-injection tests need shorter. Config.fromKubeconfig ignores them, so
    // they are applied here for both ways of configuring.
    config.setConnectionTimeout(
        setting(Config.KUBERNETES_CONNECTION_TIMEOUT_SYSTEM_PROPERTY, connectTimeoutMs));
    config.setRequestTimeout(
        setting(Config.KUBERNETES_REQUEST_TIMEOUT_SYSTEM_PROPERTY, REQUEST_TIMEOUT_MS));
    config.setRequestRetryBackoffLimit(
        setting(Config.KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT_SYSTEM_PROPERTY, RETRIES));
    config.setRequestRetryBackoffInterval(
        setting(
            Config.KUBERNETES_REQUEST_RETRY_BACKOFFINTERVAL_SYSTEM_PROPERTY,
            config.getRequestRetryBackoffInterval()));
    config.setWatchReconnectInterval(
        setting(
            Config.KUBERNETES_WATCH_RECONNECT_INTERVAL_SYSTEM_PROPERTY,
            config.getWatchReconnectInterval()));
    String contextName =
        config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
    // HTTP/1.1, not HTTP/2: Java 17's HTTP/2 client has no connection health check (no PING, as
    // client-go added for kubernetes/kubernetes#87615), and in the outage tests a LIST sent on an
    // HTTP/2 connection the network had just cut sometimes never completed, request timeout or
    // not, so every later run of the daemon hung behind it. On HTTP/1.1 a broken connection fails
    // the one request on it. ClusterCollector bounds a collection whatever the protocol.
    config.setHttp2Disable(true);
    // The API server names the field manager of a create after the user agent (up to its first
    // '/'), and fabric8 sends none with a create: objects 'fix --apply' creates list manager
    // pulldoctor, as its patches do explicitly.
    config.setUserAgent("pulldoctor");
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withKubernetesSerialization(KubeSerialization.shared())
            .build();
    return new Connection(client, contextName, config.getNamespace());
  }

  /** A fabric8 setting in milliseconds (or a count) when set, else {@code fallback}. */
  private static int setting(String property, int fallback) throws InputException {
    String value = Utils.getSystemPropertyOrEnvVar(property);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InputException(
          property + " (or its environment variable) is not a whole number: " + value.strip());
    }
  }

  private static boolean hasContext(@Nullable List<NamedContext> contexts, String name) {
    return contexts != null && contexts.stream().anyMatch(c -> Objects.equals(c.getName(), name));
  }
}
