package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 client made for probing registries under {@link ProbePolicy}: each name is
 * resolved once and the connection goes to that checked address ({@link GuardedConnector}), TLS is
 * always verified ({@link TlsSupport}), every stage is timed, redirects are limited and re-checked
 * per hop, bodies are capped and every call has a deadline. One connection per request ({@code
 * Connection: close}), which keeps the stages of each request visible.
 */
final class RegistryHttpClient {
  private final ProbePolicy policy;
  private final HostLookup lookup;
  private final GuardedConnector connector;
  private final ProxyTunnel tunnel;
  private final TlsSupport tls;
  private final Proxies proxies;
  private final String userAgent;

  RegistryHttpClient(
      ProbePolicy policy,
      Resolver resolver,
      Connector connector,
      TlsSupport tls,
      Proxies proxies,
      String userAgent) {
    this.policy = policy;
    this.lookup = new HostLookup(resolver, policy.connectTimeout());
    this.connector = new GuardedConnector(policy, connector);
    this.tunnel = new ProxyTunnel(policy, this.connector, lookup, userAgent);
    this.tls = tls;
    this.proxies = proxies;
    this.userAgent = userAgent;
  }

  ProbePolicy policy() {
    return policy;
  }

  /**
   * Sends the request, following redirects when it allows, within the request timeout: a timer
   * closes the connection when the timeout passes, however the registry answers.
   */
  HttpResponse send(HttpRequest request, Trace trace) throws ProbeException {
    if (Thread.currentThread().isInterrupted()) {
      // the run's probe deadline passed and the run stopped waiting: ask nothing more
      throw ProbeException.failed(
          Stage.HTTP,
          PullErrorCause.NETWORK_TIMEOUT,
          "the run's probe deadline passed before "
              + UriText.display(request.uri())
              + " was asked");
    }
    long deadline = System.nanoTime() + policy.requestTimeout().toNanos();
    try (RequestWatchdog watchdog = new RequestWatchdog(deadline)) {
      return send(request, trace, deadline, watchdog);
    }
  }

  private HttpResponse send(
      HttpRequest request, Trace trace, long deadline, RequestWatchdog watchdog)
      throws ProbeException {
    HttpRequest current = request;
    for (int hop = 0; ; hop++) {
      HttpResponse response;
      try {
        response = exchange(current, trace, deadline, watchdog);
      } catch (ProbeException e) {
        if (hop > 0 && e.refusedByPolicy()) {
          throw ProbeException.refused(
              e.stage(),
              "the registry redirected to "
                  + UriText.display(current.uri())
                  + ", refused: "
                  + e.detail());
        }
        throw e;
      }
      String location = response.header("location");
      if (!current.followRedirects() || !isRedirect(response.status()) || location == null) {
        return response;
      }
      if (hop >= policy.maxRedirects()) {
        throw ProbeException.refused(
            Stage.HTTP,
            "more than "
                + policy.maxRedirects()
                + " redirects from "
                + UriText.display(request.uri()));
      }
      URI next;
      try {
        next = current.uri().resolve(location.strip());
      } catch (IllegalArgumentException e) {
        throw ProbeException.failed(
            Stage.HTTP,
            PullErrorCause.REGISTRY_SERVER_ERROR,
            UriText.display(current.uri()) + " redirected to an invalid location");
      }
      Map<String, String> headers = new LinkedHashMap<>(current.headers());
      if (!sameOrigin(current.uri(), next)) {
        // credentials never follow a redirect to another host (distribution spec, CVE-2020-15157)
        headers.remove("Authorization");
      }
      String method = response.status() == 303 ? "GET" : current.method();
      current = new HttpRequest(method, next, headers, true);
    }
  }

  private HttpResponse exchange(
      HttpRequest request, Trace trace, long deadline, RequestWatchdog watchdog)
      throws ProbeException {
    URI uri = request.uri();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw ProbeException.refused(
          Stage.HTTP, "only https URLs are followed: " + UriText.display(uri));
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ProbeException.refused(Stage.HTTP, "a URL without a host or with user info");
    }
    String host = UriText.bare(uri.getHost());
    boolean secure = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : (secure ? 443 : 80);
    if (!secure && !policy.allowsPlainHttp(host, port)) {
      throw ProbeException.refused(
          Stage.HTTP,
          "plain HTTP to "
              + host
              + ":"
              + port
              + " (pulldoctor speaks plain HTTP only to registries named with"
              + " --insecure-registry)");
    }
    String hostRefusal = policy.hostRefusal(host);
    if (hostRefusal != null) {
      throw ProbeException.refused(Stage.DNS, hostRefusal);
    }
    Proxies.Proxy proxy = proxies.forUri(uri);
    Socket socket =
        proxy == null
            ? direct(host, port, trace, deadline)
            : tunnel.open(proxy, host, port, secure, trace, deadline, watchdog);
    watchdog.watch(socket);
    try {
      if (secure) {
        long start = System.nanoTime();
        try {
          socket = tls.handshake(socket, host, port, HostLookup.remainingMillis(deadline), trace);
        } catch (ProbeException e) {
          if (watchdog.expired()) {
            // the timer closed the socket mid-handshake: a timeout, not a TLS fault
            throw ProbeException.failed(
                Stage.TLS,
                PullErrorCause.NETWORK_TIMEOUT,
                "the TLS handshake with " + host + ":" + port + " timed out");
          }
          throw e;
        }
        trace.time(Stage.TLS, start);
      }
      long start = System.nanoTime();
      writeRequest(socket.getOutputStream(), request, !secure && proxy != null);
      HttpResponse response =
          HttpResponseReader.read(
              new DeadlineInput(
                  socket, deadline, policy.maxBodyBytes() + HttpResponseReader.MAX_FRAMING_BYTES),
              request.method(),
              uri,
              policy.maxBodyBytes());
      trace.time(Stage.HTTP, start);
      return response;
    } catch (HttpResponseReader.LimitException e) {
      throw ProbeException.failed(
          Stage.HTTP,
          PullErrorCause.REGISTRY_SERVER_ERROR,
          UriText.display(uri) + " " + e.getMessage());
    } catch (IOException e) {
      if (watchdog.expired() || e instanceof SocketTimeoutException) {
        throw ProbeException.failed(
            Stage.HTTP,
            PullErrorCause.NETWORK_TIMEOUT,
            UriText.display(uri)
                + " accepted the connection but did not finish answering within the request"
                + " timeout of "
                + policy.requestTimeout().toMillis()
                + " ms");
      }
      throw ProbeException.failed(
          Stage.HTTP,
          PullErrorCause.REGISTRY_SERVER_ERROR,
          UriText.display(uri) + " broke off the exchange (" + e.getClass().getSimpleName() + ")");
    } finally {
      closeQuietly(socket);
    }
  }

  private Socket direct(String host, int port, Trace trace, long deadline) throws ProbeException {
    long start = System.nanoTime();
    List<InetAddress> addresses = lookup.addresses(host, deadline);
    trace.time(Stage.DNS, start);
    start = System.nanoTime();
    List<String> refusals = new ArrayList<>();
    ProbeException failure = null;
    for (InetAddress address : addresses) {
      try {
        Socket socket =
            connector.connect(
                new InetSocketAddress(address, port), lookup.connectMillis(deadline), false);
        trace.address(address.getHostAddress());
        trace.time(Stage.TCP, start);
        return socket;
      } catch (GuardedConnector.RefusedException e) {
        refusals.add(e.getMessage());
      } catch (IOException e) {
        failure = connectFailure(e, host, address, port);
      }
    }
    if (failure != null) {
      throw failure;
    }
    throw ProbeException.refused(
        Stage.TCP, "pulldoctor does not connect to " + host + ": " + String.join("; ", refusals));
  }

  private ProbeException connectFailure(IOException e, String host, InetAddress address, int port) {
    String where = host + " (" + address.getHostAddress() + ") port " + port;
    if (e instanceof SocketTimeoutException) {
      return ProbeException.failed(
          Stage.TCP,
          PullErrorCause.NETWORK_TIMEOUT,
          "connecting to "
              + where
              + " timed out after "
              + policy.connectTimeout().toMillis()
              + " ms");
    }
    if (e instanceof NoRouteToHostException) {
      return ProbeException.failed(
          Stage.TCP, PullErrorCause.NETWORK_REFUSED, "no route to " + where);
    }
    if (e instanceof ConnectException) {
      return ProbeException.failed(
          Stage.TCP,
          PullErrorCause.NETWORK_REFUSED,
          "connection refused by " + where + ": nothing listens there");
    }
    return ProbeException.failed(
        Stage.TCP,
        PullErrorCause.NETWORK_REFUSED,
        "cannot connect to " + where + " (" + e.getClass().getSimpleName() + ")");
  }

  private void writeRequest(OutputStream out, HttpRequest request, boolean absoluteForm)
      throws IOException {
    URI uri = request.uri();
    String target = absoluteForm ? uri.toASCIIString() : UriText.pathAndQuery(uri);
    String host = UriText.bare(uri.getHost());
    boolean secure = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort();
    StringBuilder text =
        new StringBuilder(request.method())
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\nHost: ")
            .append(
                port < 0 || port == (secure ? 443 : 80)
                    ? UriText.hostForHeader(host)
                    : UriText.authority(host, port))
            .append("\r\nUser-Agent: ")
            .append(userAgent)
            .append("\r\nConnection: close\r\n");
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      if (header.getValue().indexOf('\r') >= 0 || header.getValue().indexOf('\n') >= 0) {
        throw new IOException("header value with a line break");
      }
      text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    text.append("\r\n");
    out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && a.getPort() == b.getPort();
  }

  static void closeQuietly(@Nullable Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing more to do with a socket that will not close
      }
    }
  }
}
