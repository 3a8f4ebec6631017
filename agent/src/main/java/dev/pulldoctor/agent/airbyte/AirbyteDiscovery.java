package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.CustomConnector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Airbyte which custom connectors exist, and records the answer as a {@link
 * ConnectorDiscovery}: with {@code --airbyte-url}, at that address; otherwise at the {@code
 * <release>-airbyte-server-svc} Service, directly when running in the cluster and through the
 * Kubernetes API server's service proxy from a laptop. Credentials are found by {@link
 * CredentialSources}, used for one token request, and dropped.
 */
public final class AirbyteDiscovery {
  private static final Logger logger = LoggerFactory.getLogger(AirbyteDiscovery.class);

  /**
   * What the user asked for.
   *
   * @param url {@code --airbyte-url}, already validated (http or https, a host, no user info)
   * @param clientId {@code --airbyte-client-id}
   * @param secretFile {@code --airbyte-client-secret-file}
   */
  public record Request(@Nullable URI url, @Nullable String clientId, @Nullable Path secretFile) {}

  private final Map<String, String> env;
  private final Limits limits;

  public AirbyteDiscovery(Map<String, String> env, Limits limits) {
    this.env = Map.copyOf(env);
    this.limits = limits;
  }

  /**
   * Discovers the custom connectors. Never throws for what Airbyte or the cluster answered: that is
   * the outcome of the returned observation.
   *
   * @param kubernetes the cluster connection, null when no cluster is read
   * @param namespace the Airbyte namespace
   * @param release the Helm release, if known
   * @param inCluster whether pulldoctor runs in a pod of the cluster (then the Service is called at
   *     its cluster DNS name)
   * @return the observation, or empty when there was nothing to ask (no URL and no cluster)
   * @throws InputException when the secret file cannot be read
   */
  public Optional<ConnectorDiscovery> discover(
      Request request,
      @Nullable KubernetesClient kubernetes,
      String namespace,
      @Nullable String release,
      boolean inCluster)
      throws InputException {
    if (request.url() == null && kubernetes == null) {
      return Optional.empty();
    }
    Transport transport;
    if (request.url() != null) {
      transport = new DirectTransport(withoutApiSuffix(request.url()), null, limits);
    } else {
      Optional<ServerService> server;
      try {
        server = ServerService.find(Objects.requireNonNull(kubernetes), namespace, release);
      } catch (ServerService.LookupException e) {
        logger.warn("{}; pass --airbyte-url to list custom connectors", e.detail());
        return Optional.of(
            ConnectorDiscovery.failed(
                "namespace " + namespace,
                ConnectorDiscovery.NO_CREDENTIALS,
                e.status() == 403 ? Outcome.FORBIDDEN : Outcome.UNREACHABLE,
                e.detail() + "; pass --airbyte-url",
                null));
      }
      if (server.isEmpty()) {
        String wanted =
            release == null ? "*" + ServerService.SUFFIX : release + ServerService.SUFFIX;
        logger.info("no Service {} in namespace {}", wanted, namespace);
        return Optional.of(
            ConnectorDiscovery.failed(
                "namespace " + namespace,
                ConnectorDiscovery.NO_CREDENTIALS,
                Outcome.SERVER_NOT_FOUND,
                "no Service " + wanted + " in namespace " + namespace,
                null));
      }
      transport = transport(server.get(), kubernetes, inCluster);
    }
    // Only now, with somewhere to send them: credentials are read for this one run.
    CredentialSources sources = new CredentialSources();
    Optional<Credentials> credentials;
    try {
      credentials =
          sources.find(request.clientId(), request.secretFile(), env, kubernetes, namespace);
    } catch (InputException e) {
      transport.close();
      throw e;
    }
    String credentialSource =
        credentials.map(Credentials::source).orElse(ConnectorDiscovery.NO_CREDENTIALS);
    try (Transport open = transport) {
      logger.info(
          "asking Airbyte's API at {} for custom connectors (credentials: {})",
          open.endpoint(),
          credentialSource);
      List<CustomConnector> connectors =
          new AirbyteApiClient(open, credentials.orElse(null), sources.lookedAt(), limits)
              .customConnectors();
      logger.info("Airbyte lists {} custom connector image(s)", connectors.size());
      return Optional.of(
          ConnectorDiscovery.found(open.endpoint(), credentialSource, open.server(), connectors));
    } catch (AirbyteApiException e) {
      logger.warn("cannot list custom connectors from Airbyte: {}", e.detail());
      return Optional.of(
          ConnectorDiscovery.failed(
              transport.endpoint(), credentialSource, e.outcome(), e.detail(), transport.server()));
    }
  }

  private Transport transport(
      ServerService server, KubernetesClient kubernetes, boolean inCluster) {
    if (inCluster) {
      URI url =
          URI.create(
              "http://"
                  + server.ref().name()
                  + "."
                  + server.ref().namespace()
                  + ".svc:"
                  + server.port());
      return new DirectTransport(url, server.ref(), limits);
    }
    return new ServiceProxyTransport(kubernetes, server.ref(), server.proxyPort(), limits);
  }

  /**
   * The API lives under {@code /api}; users paste either the address they open Airbyte at or the
   * API's own ({@code http://localhost:8000/api}).
   */
  static URI withoutApiSuffix(URI url) {
    String text = url.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.endsWith("/api")) {
      text = text.substring(0, text.length() - "/api".length());
    }
    return URI.create(text + "/");
  }
}
