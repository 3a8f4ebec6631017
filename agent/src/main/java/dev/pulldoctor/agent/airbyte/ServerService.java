package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.rules.model.ObjectRef;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The airbyte-server Service: both charts name it {@code <release>-airbyte-server-svc} ({@code
 * charts/v2/airbyte/templates/airbyte-server/service.yaml}: port {@code server.service.port},
 * default 8001, named {@code http}).
 *
 * @param ref the Service
 * @param portName the port's name, if it has one
 * @param port the port number
 */
record ServerService(ObjectRef ref, @Nullable String portName, int port) {
  static final String SUFFIX = "-airbyte-server-svc";

  /** The port as the service proxy path wants it: the name when there is one. */
  String proxyPort() {
    return portName != null ? portName : Integer.toString(port);
  }

  /** Why no Service was found, or the listing failed. */
  static final class LookupException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String detail;

    LookupException(int status, String message) {
      super(message);
      this.status = status;
      this.detail = message;
    }

    int status() {
      return status;
    }

    String detail() {
      return detail;
    }
  }

  /**
   * Finds the Service with one LIST of Services in the Airbyte namespace.
   *
   * @param release the Helm release (the launcher's {@code app.kubernetes.io/instance}), if known
   * @return empty when there is no such Service
   * @throws LookupException when Services cannot be listed
   */
  static Optional<ServerService> find(
      KubernetesClient client, String namespace, @Nullable String release) throws LookupException {
    List<Service> services;
    try {
      services = client.services().inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      throw new LookupException(
          e.getCode(),
          "cannot list Services in namespace "
              + namespace
              + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : " (no answer)"));
    }
    Optional<Service> match =
        release == null
            ? Optional.empty()
            : services.stream()
                .filter(s -> (release + SUFFIX).equals(s.getMetadata().getName()))
                .findFirst();
    if (match.isEmpty()) {
      List<Service> candidates =
          services.stream().filter(s -> s.getMetadata().getName().endsWith(SUFFIX)).toList();
      if (candidates.size() == 1) {
        match = Optional.of(candidates.get(0));
      }
    }
    return match.flatMap(ServerService::of);
  }

  private static Optional<ServerService> of(Service service) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return Optional.empty();
    }
    List<ServicePort> ports = service.getSpec().getPorts();
    Optional<ServicePort> port =
        ports.stream()
            .filter(p -> "http".equals(p.getName()))
            .findFirst()
            .or(() -> ports.stream().findFirst());
    return port.filter(p -> p.getPort() != null)
        .map(
            p ->
                new ServerService(
                    ObjectRef.of(
                        "Service",
                        service.getMetadata().getNamespace(),
                        service.getMetadata().getName()),
                    p.getName() == null || p.getName().isBlank() ? null : p.getName(),
                    p.getPort()));
  }
}
