package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.Kubeconfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients' timeouts, as configured: a one-shot command's connect timeout is 10 s; the daemon's
 * client has no connect timeout of its own (Java 17's HTTP client would keep each connection's
 * first response body alive through the connect-timeout event, for the life of the watch that
 * reuses the connection), and a connect stays bounded by the 30 s request timeout.
 */
class KubeClientsTest {
  @TempDir Path dir;

  @Test
  void a_one_shot_client_has_a_10_second_connect_timeout() throws Exception {
    Path kubeconfig = Kubeconfig.of("https://127.0.0.1:6443").writeTo(dir.resolve("config"));

    try (KubeClients.Connection connection = KubeClients.connect(kubeconfig, null)) {
      assertThat(connection.client().getConfiguration().getConnectionTimeout()).isEqualTo(10_000);
      assertThat(connection.client().getConfiguration().getRequestTimeout()).isEqualTo(30_000);
    }
  }

  @Test
  void the_daemons_client_has_no_connect_timeout_and_a_30_second_request_timeout()
      throws Exception {
    Path kubeconfig = Kubeconfig.of("https://127.0.0.1:6443").writeTo(dir.resolve("config"));

    try (KubeClients.Connection connection = KubeClients.connectForWatching(kubeconfig, null)) {
      assertThat(connection.client().getConfiguration().getConnectionTimeout()).isZero();
      assertThat(connection.client().getConfiguration().getRequestTimeout()).isEqualTo(30_000);
    }
  }

  @Test
  void every_client_reads_with_the_one_shared_serialization() throws Exception {
    Path kubeconfig = Kubeconfig.of("https://127.0.0.1:6443").writeTo(dir.resolve("config"));

    try (KubeClients.Connection oneShot = KubeClients.connect(kubeconfig, null);
        KubeClients.Connection daemon = KubeClients.connectForWatching(kubeconfig, null)) {
      // Two clients, one set of Jackson deserializer caches: the second client reads a kind
      // without building its deserializers again.
      assertThat(oneShot.client().getKubernetesSerialization())
          .isSameAs(daemon.client().getKubernetesSerialization())
          .isSameAs(KubeSerialization.shared());
    }
  }
}
