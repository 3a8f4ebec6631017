package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A mock cluster behind a {@link FlakyProxy}, and clients that reach it through the proxy with the
 * short timeouts fault tests need, set the way an operator would: fabric8's own settings, which
 * pulldoctor's defaults give way to.
 */
final class FaultyCluster implements AutoCloseable {
  /** fabric8 settings: fail in seconds, retry once, reconnect watches fast. */
  static final Map<String, String> SHORT_TIMEOUTS = new LinkedHashMap<>();

  static {
    SHORT_TIMEOUTS.put(Config.KUBERNETES_CONNECTION_TIMEOUT_SYSTEM_PROPERTY, "1000");
    SHORT_TIMEOUTS.put(Config.KUBERNETES_REQUEST_TIMEOUT_SYSTEM_PROPERTY, "2000");
    SHORT_TIMEOUTS.put(Config.KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT_SYSTEM_PROPERTY, "1");
    SHORT_TIMEOUTS.put(Config.KUBERNETES_REQUEST_RETRY_BACKOFFINTERVAL_SYSTEM_PROPERTY, "100");
    SHORT_TIMEOUTS.put(Config.KUBERNETES_WATCH_RECONNECT_INTERVAL_SYSTEM_PROPERTY, "250");
  }

  final MockApi api;
  final FlakyProxy proxy;
  final Path kubeconfig;

  private FaultyCluster(MockApi api, FlakyProxy proxy, Path kubeconfig) {
    this.api = api;
    this.proxy = proxy;
    this.kubeconfig = kubeconfig;
  }

  /** The mock API seeded with {@code example}, behind a proxy, and a kubeconfig for the proxy. */
  static FaultyCluster start(Path dir, String example) throws Exception {
    MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve(example));
    FlakyProxy proxy = FlakyProxy.to(api.server.getPort());
    Path kubeconfig =
        Kubeconfig.of("http://127.0.0.1:" + proxy.port())
            .name("flaky")
            .writeTo(dir.resolve("kubeconfig-via-proxy"));
    return new FaultyCluster(api, proxy, kubeconfig);
  }

  /** A client through the proxy with {@link #SHORT_TIMEOUTS}. */
  KubeClients.Connection connect() throws Exception {
    return withShortTimeouts(() -> KubeClients.connect(kubeconfig, null));
  }

  /** Runs {@code call} with {@link #SHORT_TIMEOUTS} set as system properties, then unsets them. */
  static <T> T withShortTimeouts(Callable<T> call) throws Exception {
    SHORT_TIMEOUTS.forEach(System::setProperty);
    try {
      return call.call();
    } finally {
      SHORT_TIMEOUTS.keySet().forEach(System::clearProperty);
    }
  }

  @Override
  public void close() throws IOException {
    proxy.close();
    api.close();
  }
}
