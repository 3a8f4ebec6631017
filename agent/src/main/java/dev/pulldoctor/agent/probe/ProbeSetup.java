package dev.pulldoctor.agent.probe;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * How probes reach the network: name resolution, TCP, TLS trust and proxies.
 *
 * <p>With the system property {@code pulldoctor.probe.loopbackOnly=true} (set by the project's test
 * runs) nothing outside loopback is resolved or connected to, whatever a test asks for: a second
 * fence behind the probe policy, so that no test can send traffic off this machine.
 */
public record ProbeSetup(Resolver resolver, Connector connector, TlsSupport tls, Proxies proxies) {

  public static final String LOOPBACK_ONLY = "pulldoctor.probe.loopbackOnly";

  public ProbeSetup {
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(proxies, "proxies");
  }

  /** The system resolver, plain sockets, the JVM's trusted CAs and the proxy environment. */
  public static ProbeSetup system() {
    if (Boolean.getBoolean(LOOPBACK_ONLY)) {
      return new ProbeSetup(
          host -> {
            if (host.equalsIgnoreCase("localhost")) {
              return List.of(InetAddress.getLoopbackAddress());
            }
            throw new UnknownHostException(host);
          },
          (address, timeoutMillis) -> {
            if (!address.getAddress().isLoopbackAddress()) {
              throw new ConnectException("only loopback is reachable in this test run");
            }
            return Connector.PLAIN.connect(address, timeoutMillis);
          },
          TlsSupport.system(),
          Proxies.none());
    }
    return new ProbeSetup(
        Resolver.SYSTEM,
        Connector.PLAIN,
        TlsSupport.system(),
        Proxies.fromEnvironment(System.getenv()));
  }
}
