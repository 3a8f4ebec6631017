package dev.pulldoctor.agent.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted registry on loopback (HTTPS from the test CA, or plain HTTP) for the cases a real
 * registry will not produce: hostile redirects and realms, echoed credentials, huge bodies.
 */
final class FakeRegistry implements AutoCloseable {
  /** A scripted answer. */
  record Answer(int status, Map<String, String> headers, String body) {
    static Answer of(int status, Map<String, String> headers, String body) {
      return new Answer(status, headers, body);
    }
  }

  /** What a request carried. */
  record Request(
      String method, String path, @org.jspecify.annotations.Nullable String authorization) {}

  private final HttpServer server;
  private final boolean secure;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeRegistry(HttpServer server, boolean secure, Function<Request, Answer> script) {
    this.server = server;
    this.secure = secure;
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Request request =
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(request);
            send(exchange, script.apply(request));
          }
        });
    server.start();
  }

  static FakeRegistry https(TestPki pki, Function<Request, Answer> script) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext(pki.server())));
    return new FakeRegistry(server, true, script);
  }

  static FakeRegistry http(Function<Request, Answer> script) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    return new FakeRegistry(server, false, script);
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String base() {
    return (secure ? "https://" : "http://") + host();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    boolean head = exchange.getRequestMethod().equals("HEAD");
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
