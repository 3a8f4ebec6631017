package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 client made for probing registries under {@link ProbePolicy}: each name is
 * resolved once and the connection goes to that checked address ({@link GuardedConnector}), TLS is
 * always verified ({@link TlsSupport}), every stage is timed, redirects are limited and re-checked
 * per hop, bodies are capped and every call has a deadline. One connection per request ({@code
 * Connection: close}), which keeps the stages of each request visible.
 */
final class RegistryHttpClient {
  /** The most header bytes of one answer, all lines together. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** The most header lines of one answer. */
  static final int MAX_HEADERS = 200;

  /** The longest status or header line; registries send lines of a few hundred bytes. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  /** The most interim (1xx) answers before the real one; HTTP/1.1 servers send one at most. */
  static final int MAX_INTERIM_ANSWERS = 5;

  /** The longest chunk-size line, extensions included: registries send none. */
  static final int MAX_CHUNK_LINE_BYTES = 1024;

  /** What an answer may carry besides its capped body: headers, 1xx answers, chunk framing. */
  static final int MAX_FRAMING_BYTES = 1024 * 1024;

  /** DNS lookups have no timeout of their own in Java, so they run here and are waited for. */
  private static final ExecutorService LOOKUPS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "pulldoctor-dns");
            thread.setDaemon(true);
            return thread;
          });

  private final ProbePolicy policy;
  private final Resolver resolver;
  private final GuardedConnector connector;
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
    this.resolver = resolver;
    this.connector = new GuardedConnector(policy, connector);
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
            : viaProxy(proxy, host, port, secure, trace, deadline, watchdog);
    watchdog.watch(socket);
    try {
      if (secure) {
        long start = System.nanoTime();
        try {
          socket = tls.handshake(socket, host, port, remainingMillis(deadline), trace);
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
          readResponse(
              new DeadlineInput(socket, deadline, policy.maxBodyBytes() + MAX_FRAMING_BYTES),
              request.method(),
              uri);
      trace.time(Stage.HTTP, start);
      return response;
    } catch (LimitException e) {
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
    List<InetAddress> addresses = addresses(host, deadline);
    trace.time(Stage.DNS, start);
    start = System.nanoTime();
    List<String> refusals = new ArrayList<>();
    ProbeException failure = null;
    for (InetAddress address : addresses) {
      try {
        Socket socket =
            connector.connect(new InetSocketAddress(address, port), connectMillis(deadline), false);
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

  private Socket viaProxy(
      Proxies.Proxy proxy,
      String host,
      int port,
      boolean secure,
      Trace trace,
      long deadline,
      RequestWatchdog watchdog)
      throws ProbeException {
    checkProxiedTarget(host, deadline);
    long start = System.nanoTime();
    Socket socket = null;
    try {
      for (InetAddress address : proxyAddresses(proxy, deadline)) {
        try {
          socket =
              connector.connect(
                  new InetSocketAddress(address, proxy.port()), connectMillis(deadline), true);
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
        tunnel(socket, proxy, host, port, deadline);
      }
      trace.time(Stage.PROXY, start);
      return socket;
    } catch (ProbeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /** Through a proxy the proxy resolves the name; still refuse what the policy can see. */
  private void checkProxiedTarget(String host, long deadline) throws ProbeException {
    List<InetAddress> local;
    IpLiterals.Literal literal = IpLiterals.parse(host);
    if (literal != null && literal.address() != null) {
      local = List.of(literal.address());
    } else {
      try {
        local = addresses(host, deadline);
      } catch (ProbeException e) {
        return; // behind a proxy, names often resolve only there
      }
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
      return addresses(proxy.host(), deadline);
    } catch (ProbeException e) {
      throw ProbeException.failed(
          Stage.PROXY,
          PullErrorCause.PROXY,
          "the proxy host " + proxy.host() + " does not resolve");
    }
  }

  private void tunnel(Socket socket, Proxies.Proxy proxy, String host, int port, long deadline)
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
      DeadlineInput in = new DeadlineInput(socket, deadline, MAX_FRAMING_BYTES);
      int status = readStatus(in);
      readHeaders(in);
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

  private List<InetAddress> addresses(String host, long deadline) throws ProbeException {
    IpLiterals.Literal literal = IpLiterals.parse(host);
    if (literal != null && literal.address() != null) {
      return List.of(literal.address());
    }
    Future<List<InetAddress>> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
    try {
      List<InetAddress> found = lookup.get(connectMillis(deadline), TimeUnit.MILLISECONDS);
      if (found.isEmpty()) {
        throw new UnknownHostException(host);
      }
      return found;
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw ProbeException.failed(
          Stage.DNS, PullErrorCause.NETWORK_TIMEOUT, "the DNS lookup of " + host + " timed out");
    } catch (ExecutionException | UnknownHostException e) {
      throw ProbeException.failed(
          Stage.DNS,
          PullErrorCause.NETWORK_DNS,
          host + " does not resolve (no such host) from where pulldoctor runs");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProbeException.failed(
          Stage.DNS, PullErrorCause.NETWORK_TIMEOUT, "interrupted while resolving " + host);
    }
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

  private HttpResponse readResponse(InputStream in, String method, URI uri)
      throws IOException, ProbeException {
    int status = readStatus(in);
    Map<String, List<String>> headers = readHeaders(in);
    for (int interim = 0; status >= 100 && status < 200; interim++) {
      if (interim >= MAX_INTERIM_ANSWERS) {
        throw new LimitException(
            "sent more than " + MAX_INTERIM_ANSWERS + " interim (1xx) answers before its answer");
      }
      status = readStatus(in);
      headers = readHeaders(in);
    }
    if (method.equals("HEAD") || status == 204 || status == 304) {
      return new HttpResponse(uri, status, headers, new byte[0], false);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int cap = policy.maxBodyBytes();
    boolean truncated;
    List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
    List<String> length = headers.getOrDefault("content-length", List.of());
    if (encoding.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains("chunked"))) {
      truncated = readChunked(in, body, cap);
    } else if (!length.isEmpty()) {
      long declared = parseLength(length.get(0));
      truncated = declared > cap;
      copy(in, body, Math.min(declared, cap));
    } else {
      truncated = copy(in, body, cap + 1L) > cap;
      if (truncated) {
        byte[] all = body.toByteArray();
        body.reset();
        body.write(all, 0, cap);
      }
    }
    return new HttpResponse(uri, status, headers, body.toByteArray(), truncated);
  }

  private static int readStatus(InputStream in) throws IOException, ProbeException {
    String line = readLine(in, MAX_LINE_BYTES, "status line");
    if (line == null) {
      throw new IOException("closed before answering");
    }
    if (!line.startsWith("HTTP/1.") || line.length() < 12) {
      throw ProbeException.failed(
          Stage.HTTP, PullErrorCause.REGISTRY_SERVER_ERROR, "the server's answer is not HTTP/1.x");
    }
    String code = line.substring(9, 12);
    if (!code.chars().allMatch(Character::isDigit)) {
      throw ProbeException.failed(
          Stage.HTTP, PullErrorCause.REGISTRY_SERVER_ERROR, "the server's status line is invalid");
    }
    return Integer.parseInt(code);
  }

  private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int total = 0;
    for (int count = 0; ; count++) {
      String line = readLine(in, MAX_LINE_BYTES, "header line");
      if (line == null || line.isEmpty()) {
        return headers;
      }
      total += line.length();
      if (total > MAX_HEADER_BYTES) {
        throw new LimitException("sent more than " + MAX_HEADER_BYTES / 1024 + " KiB of headers");
      }
      if (count >= MAX_HEADERS) {
        throw new LimitException("sent more than " + MAX_HEADERS + " header lines");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).strip());
      }
    }
  }

  private static @Nullable String readLine(InputStream in, int max, String what)
      throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        break;
      }
      if (line.size() > max) {
        throw new LimitException("sent a " + what + " longer than " + max + " bytes");
      }
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static boolean readChunked(InputStream in, ByteArrayOutputStream body, int cap)
      throws IOException {
    while (true) {
      String sizeLine = readLine(in, MAX_CHUNK_LINE_BYTES, "chunk-size line (with extensions)");
      if (sizeLine == null) {
        throw new IOException("chunked body ended early");
      }
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("invalid chunk size", e);
      }
      if (size == 0) {
        readHeaders(in); // trailers
        return false;
      }
      long room = (long) cap - body.size();
      if (size > room) {
        copy(in, body, room);
        return true;
      }
      copy(in, body, size);
      readLine(in, MAX_LINE_BYTES, "chunk end");
    }
  }

  private static long copy(InputStream in, ByteArrayOutputStream out, long limit)
      throws IOException {
    byte[] buffer = new byte[8192];
    long copied = 0;
    while (copied < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static long parseLength(String value) throws IOException {
    try {
      long length = Long.parseLong(value.strip());
      if (length < 0) {
        throw new IOException("negative content length");
      }
      return length;
    } catch (NumberFormatException e) {
      throw new IOException("invalid content length", e);
    }
  }

  private int connectMillis(long deadline) {
    return (int)
        Math.max(1, Math.min(policy.connectTimeout().toMillis(), remainingMillis(deadline)));
  }

  private static int remainingMillis(long deadline) {
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && a.getPort() == b.getPort();
  }

  private static void closeQuietly(@Nullable Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing more to do with a socket that will not close
      }
    }
  }

  /** A cap on what a registry sends was reached; the message says which, in pulldoctor's words. */
  static final class LimitException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitException(String message) {
      super(message);
    }
  }

  /**
   * Reads from a socket at most {@code limit} bytes, with a socket timeout of what is left of the
   * request's deadline (the {@link RequestWatchdog} enforces the deadline itself).
   */
  private static final class DeadlineInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final long limit;
    private long read;

    DeadlineInput(Socket socket, long deadline, long limit) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.deadline = deadline;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      arm();
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      int n = in.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws LimitException {
      read += n;
      if (read > limit) {
        throw new LimitException("sent more than " + limit + " bytes in one answer");
      }
    }

    /** Sets the socket timeout to what is left, when the next read may block. */
    private void arm() throws IOException {
      if (in.available() > 0) {
        return;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }
  }
}
