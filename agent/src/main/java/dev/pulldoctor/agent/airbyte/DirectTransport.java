package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.ObjectRef;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Talks to Airbyte's server over {@code java.net.http}: at the address the user gave, or at the
 * Service's cluster DNS name when running in a pod. The token goes in an {@code Authorization:
 * Bearer} header (config.yaml {@code securitySchemes.bearerAuth}). Redirects are never followed: a
 * redirect to another host would carry the token there.
 */
final class DirectTransport implements Transport {
  private final URI base;
  private final @Nullable ObjectRef server;
  private final Limits limits;
  private final HttpClient client;

  DirectTransport(URI base, @Nullable ObjectRef server, Limits limits) {
    this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    this.server = server;
    this.limits = limits;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(limits.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // No h2c upgrade dance on plain http: Airbyte's server and ingresses speak 1.1.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public ApiResponse post(String path, byte[] json, @Nullable String token)
      throws AirbyteApiException {
    HttpRequest.Builder request =
        // Relative to the base, so an Airbyte served under a path prefix keeps it.
        HttpRequest.newBuilder(base.resolve(path.substring(1)))
            .timeout(limits.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(request.build(), info -> new CappedBody(limits.maxBodyBytes()));
    try {
      // The request timeout covers the headers only; this bounds the body too.
      HttpResponse<byte[]> response =
          future.get(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return new ApiResponse(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut(path);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new AirbyteApiException(Outcome.UNREACHABLE, "interrupted while asking " + path);
    } catch (ExecutionException e) {
      throw failure(path, e.getCause());
    }
  }

  private AirbyteApiException timedOut(String path) {
    return new AirbyteApiException(
        Outcome.UNREACHABLE,
        "POST "
            + path
            + " got no complete answer within "
            + Limits.seconds(limits.requestTimeout()));
  }

  private AirbyteApiException failure(String path, @Nullable Throwable cause) {
    if (cause instanceof CappedBody.TooLargeException) {
      return new AirbyteApiException(
          Outcome.BAD_RESPONSE,
          "POST " + path + " answered more than " + limits.maxBodyBytes() + " bytes");
    }
    if (cause instanceof HttpTimeoutException) {
      return timedOut(path);
    }
    if (cause instanceof UnknownHostException
        || (cause != null && causedBy(cause, UnresolvedAddressException.class))) {
      return new AirbyteApiException(
          Outcome.UNREACHABLE, "cannot resolve the host name " + base.getHost());
    }
    if (cause instanceof ConnectException) {
      return new AirbyteApiException(
          Outcome.UNREACHABLE,
          "cannot connect to "
              + base.getHost()
              + (base.getPort() == -1 ? "" : ":" + base.getPort())
              + " (connection refused or unreachable)");
    }
    if (cause instanceof SSLException) {
      // TLS failures are findings: never retried without verification.
      return new AirbyteApiException(
          Outcome.UNREACHABLE,
          "TLS with " + base.getHost() + " failed (" + cause.getClass().getSimpleName() + ")");
    }
    if (cause instanceof IOException) {
      return new AirbyteApiException(
          Outcome.UNREACHABLE, "POST " + path + " failed: " + cause.getClass().getSimpleName());
    }
    return new AirbyteApiException(
        Outcome.UNREACHABLE,
        "POST "
            + path
            + " failed: "
            + (cause == null ? "unknown error" : cause.getClass().getSimpleName()));
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String endpoint() {
    String text = base.toString();
    return text.substring(0, text.length() - 1);
  }

  @Override
  public @Nullable ObjectRef server() {
    return server;
  }

  @Override
  public void close() {
    // java.net.http.HttpClient has no close() before Java 21; its threads are daemons.
  }
}
