package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A Docker token service (distribution's token auth spec) for a test registry: checks Basic
 * credentials, grants each user the actions it is allowed on the repositories it asks for, and
 * signs an ES256 JWT whose x5c certificate chains to the registry's root bundle.
 */
final class TokenServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COLON = Pattern.compile(":");
  private static final Pattern AMPERSAND = Pattern.compile("&");

  /** A user: password and the actions granted on every repository. */
  record User(String password, Set<String> actions) {}

  /** What a request carried: whether credentials came with it, and the scope asked for. */
  record Seen(boolean credentials, String scope) {}

  private final HttpsServer server;
  private final TestPki.Issued signer;
  private final String issuer;
  private final String service;
  private final Map<String, User> users;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  TokenServer(TestPki pki, String issuer, String service, Map<String, User> users)
      throws IOException, GeneralSecurityException {
    this.signer = pki.server();
    this.issuer = issuer;
    this.service = service;
    this.users = Map.copyOf(users);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext(pki.server())));
    server.createContext("/token", this::handle);
    server.start();
  }

  String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** {@code 127.0.0.1:PORT}: another port of the registry's host, so it must be allowed. */
  String authority() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** A token for {@code user} and {@code scope}, for pushing test images. */
  String tokenFor(String user, String repository) throws GeneralSecurityException, IOException {
    return jwt(user, repository, users.get(user).actions());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String scope = query.getOrDefault("scope", "");
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      seen.add(new Seen(header != null, scope));
      String subject = "";
      Set<String> granted = Set.of();
      if (header != null) {
        String decoded =
            header.startsWith("Basic ")
                ? new String(
                    Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8)
                : "";
        int colon = decoded.indexOf(':');
        User user = colon < 0 ? null : users.get(decoded.substring(0, colon));
        if (user == null || !user.password().equals(decoded.substring(colon + 1))) {
          send(
              exchange,
              401,
              "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
          return;
        }
        subject = decoded.substring(0, colon);
        granted = user.actions();
      }
      String repository = "";
      List<String> parts = List.of(COLON.split(scope, -1));
      if (parts.size() == 3 && parts.get(0).equals("repository")) {
        repository = parts.get(1);
      }
      String token = jwt(subject, repository, granted);
      send(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":300}");
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private String jwt(String subject, String repository, Set<String> actions)
      throws GeneralSecurityException, IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", "ES256");
    header.put(
        "x5c", List.of(Base64.getEncoder().encodeToString(signer.certificate().getEncoded())));
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", service);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 60);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    List<Map<String, Object>> access = new ArrayList<>();
    if (!repository.isEmpty() && !actions.isEmpty()) {
      access.add(Map.of("type", "repository", "name", repository, "actions", List.copyOf(actions)));
    }
    claims.put("access", access);
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        url.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + url.encodeToString(JSON.writeValueAsBytes(claims));
    Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
    signature.initSign(signer.keys().getPrivate());
    signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + url.encodeToString(signature.sign());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : AMPERSAND.split(raw, -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
