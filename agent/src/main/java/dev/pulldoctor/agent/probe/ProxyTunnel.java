package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A connection through the operator's HTTP proxy: to the proxy (which may be on loopback, but never
 * on an address the policy always refuses), then {@code CONNECT host:port} for HTTPS. The proxy
 * resolves the target's name; what the policy can see of the target is still refused first.
 */
final class ProxyTunnel {
  private final ProbePolicy policy;
  private final GuardedConnector connector;
  private final HostLookup lookup;
  private final String userAgent;

  ProxyTunnel(ProbePolicy policy, GuardedConnector connector, HostLookup lookup, String userAgent) {
    this.policy = policy;
    this.connector = connector;
    this.lookup = lookup;
    this.userAgent = userAgent;
  }

  /**
   * A socket to {@code host:port} through {@code proxy}: tunnelled for HTTPS, to the proxy itself
   * for plain HTTP (the request then names the absolute URL).
   */
  Socket open(
      Proxies.Proxy proxy,
      String host,
      int port,
      boolean secure,
      Trace trace,
      long deadline,
      RequestWatchdog watchdog)
      throws ProbeException {
    checkTarget(host, deadline);
    long start = System.nanoTime();
    Socket socket = null;
    try {
      for (InetAddress address : proxyAddresses(proxy, deadline)) {
        try {
          socket =
              connector.connect(
                  new InetSocketAddress(address, proxy.port()),
                  lookup.connectMillis(deadline),
                  true);
          trace.address(address.getHostAddress() + " (proxy)");
          watchdog.watch(socket);
          break;
        } catch (GuardedConnector.RefusedException e) {
          throw ProbeException.refused(Stage.PROXY, "the proxy address: " + e.getMessage());
        } catch (IOException e) {
          // try the proxy's next address
        }
      }
      if (socket == null) {
        throw ProbeException.failed(
            Stage.PROXY,
            PullErrorCause.PROXY,
            "cannot connect to the proxy " + proxy.display() + " (from HTTPS_PROXY/HTTP_PROXY)");
      }
      if (secure) {
        connect(socket, proxy, host, port, deadline);
      }
      trace.time(Stage.PROXY, start);
      return socket;
    } catch (ProbeException e) {
      RegistryHttpClient.closeQuietly(socket);
      throw e;
    }
  }

  /** Through a proxy the proxy resolves the name; still refuse what the policy can see. */
  private void checkTarget(String host, long deadline) throws ProbeException {
    List<InetAddress> local;
    try {
      local = lookup.addresses(host, deadline);
    } catch (ProbeException e) {
      return; // behind a proxy, names often resolve only there
    }
    for (InetAddress address : local) {
      String refusal = policy.addressRefusal(address, false);
      if (refusal != null) {
        throw ProbeException.refused(Stage.DNS, host + " resolves to a " + refusal);
      }
    }
  }

  private List<InetAddress> proxyAddresses(Proxies.Proxy proxy, long deadline)
      throws ProbeException {
    try {
      return lookup.addresses(proxy.host(), deadline);
    } catch (ProbeException e) {
      throw ProbeException.failed(
          Stage.PROXY,
          PullErrorCause.PROXY,
          "the proxy host " + proxy.host() + " does not resolve");
    }
  }

  /** {@code CONNECT host:port}; the tunnel is open when the proxy answers 200. */
  private void connect(Socket socket, Proxies.Proxy proxy, String host, int port, long deadline)
      throws ProbeException {
    String authority = UriText.authority(host, port);
    StringBuilder connect =
        new StringBuilder("CONNECT ")
            .append(authority)
            .append(" HTTP/1.1\r\nHost: ")
            .append(authority)
            .append("\r\nUser-Agent: ")
            .append(userAgent)
            .append("\r\n");
    if (proxy.authorization() != null) {
      connect.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
    }
    connect.append("\r\n");
    try {
      socket.getOutputStream().write(connect.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      DeadlineInput in = new DeadlineInput(socket, deadline, HttpResponseReader.MAX_FRAMING_BYTES);
      int status = HttpResponseReader.readStatus(in);
      HttpResponseReader.readHeaders(in);
      if (status != 200) {
        throw ProbeException.failed(
            Stage.PROXY,
            PullErrorCause.PROXY,
            "the proxy "
                + proxy.display()
                + " answered "
                + status
                + (status == 407 ? " Proxy Authentication Required" : "")
                + " to CONNECT "
                + authority);
      }
    } catch (IOException e) {
      throw ProbeException.failed(
          Stage.PROXY,
          PullErrorCause.PROXY,
          "the proxy " + proxy.display() + " did not open a tunnel to " + authority);
    }
  }
}
