package dev.pulldoctor.agent.airbyte;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.KubeSerialization;
import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.ObjectRef;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Reaches the airbyte-server Service through the Kubernetes API server's service proxy ({@code
 * /api/v1/namespaces/NS/services/NAME:PORT/proxy/...}), so a laptop needs no port-forward; the user
 * needs {@code get} (and {@code create}, for POST) on {@code services/proxy}.
 *
 * <p>The API server authenticates the request with the kubeconfig's credentials and then deletes
 * the {@code Authorization} header before proxying (k8s.io/apiserver {@code
 * filters.WithAuthentication}: "authorization header is not required anymore in case of a
 * successful authentication"), so Airbyte's token cannot travel as a bearer header here. It goes as
 * the {@code JWT} cookie instead, which Airbyte's community edition reads ({@code
 * application-edition-community.yml}: {@code micronaut.security.token.cookie.enabled: true};
 * Micronaut's default cookie name is {@code JWT}).
 */
final class ServiceProxyTransport implements Transport {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int STATUS_MESSAGE_MAX = 300;

  private final KubernetesClient client;
  private final String base;
  private final ObjectRef server;
  private final String port;
  private final Limits limits;

  /**
   * @param kubernetes the connection to use (its configuration is copied: this transport uses its
   *     own HTTP client, which follows no redirect and does not retry)
   * @param server the airbyte-server Service
   * @param port the Service port, by name or number
   */
  ServiceProxyTransport(KubernetesClient kubernetes, ObjectRef server, String port, Limits limits) {
    Config config =
        new ConfigBuilder(kubernetes.getConfiguration())
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout((int) limits.connectTimeout().toMillis())
            .withRequestTimeout((int) limits.requestTimeout().toMillis())
            .build();
    this.client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new NoRedirectHttpClientFactory())
            .withKubernetesSerialization(KubeSerialization.shared())
            .build();
    String master = config.getMasterUrl();
    this.base =
        (master.endsWith("/") ? master : master + "/")
            + "api/v1/namespaces/"
            + server.namespace()
            + "/services/"
            + server.name()
            + ":"
            + port
            + "/proxy";
    this.server = server;
    this.port = port;
    this.limits = limits;
  }

  @Override
  public ApiResponse post(String path, byte[] json, @Nullable String token)
      throws AirbyteApiException {
    HttpClient http = client.getHttpClient();
    HttpRequest.Builder request =
        http.newHttpRequestBuilder()
            .uri(base + path)
            .timeout(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .header("Accept", "application/json")
            .post("application/json", json);
    if (token != null) {
      request.header("Cookie", "JWT=" + token);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicBoolean tooLarge = new AtomicBoolean();
    CompletableFuture<HttpResponse<AsyncBody>> future =
        http.consumeBytes(
            request.build(),
            (List<ByteBuffer> buffers, AsyncBody body) -> {
              for (ByteBuffer buffer : buffers) {
                if (!CappedBody.append(out, buffer, limits.maxBodyBytes())) {
                  tooLarge.set(true);
                  body.cancel();
                  return;
                }
              }
              body.consume();
            });
    long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
    HttpResponse<AsyncBody> response = null;
    try {
      response = future.get(remaining(deadline), TimeUnit.NANOSECONDS);
      response.body().consume();
      response.body().done().get(remaining(deadline), TimeUnit.NANOSECONDS);
      if (tooLarge.get()) {
        throw tooLarge(path);
      }
      ApiResponse answer =
          new ApiResponse(response.code(), response.header("Content-Type"), out.toByteArray());
      if (!answer.successful()) {
        rejectKubernetesStatus(path, answer);
      }
      return answer;
    } catch (TimeoutException e) {
      cancel(future, response);
      throw new AirbyteApiException(
          Outcome.UNREACHABLE,
          "POST "
              + path
              + " through the Kubernetes API proxy got no complete answer within "
              + Limits.seconds(limits.requestTimeout()));
    } catch (InterruptedException e) {
      cancel(future, response);
      Thread.currentThread().interrupt();
      throw new AirbyteApiException(Outcome.UNREACHABLE, "interrupted while asking " + path);
    } catch (ExecutionException e) {
      if (tooLarge.get()) {
        throw tooLarge(path);
      }
      Throwable cause = e.getCause();
      throw new AirbyteApiException(
          Outcome.UNREACHABLE,
          "POST "
              + path
              + " through the Kubernetes API proxy failed: "
              + (cause instanceof IOException
                  ? "cannot reach the Kubernetes API"
                  : cause == null ? "unknown error" : cause.getClass().getSimpleName()));
    }
  }

  private AirbyteApiException tooLarge(String path) {
    return new AirbyteApiException(
        Outcome.BAD_RESPONSE,
        "POST " + path + " answered more than " + limits.maxBodyBytes() + " bytes");
  }

  /**
   * An error written by the API server itself (a {@code v1 Status}), not by Airbyte: the proxy was
   * refused or the Service has no ready pod. Its message names the Service and the user, never a
   * secret, so it is shown (shortened).
   */
  private void rejectKubernetesStatus(String path, ApiResponse answer) throws AirbyteApiException {
    JsonNode status;
    try {
      status = MAPPER.readTree(answer.body());
    } catch (IOException e) {
      return;
    }
    if (status == null
        || !"Status".equals(status.path("kind").asText())
        || !"v1".equals(status.path("apiVersion").asText())) {
      return;
    }
    String message = status.path("message").asText("");
    if (message.length() > STATUS_MESSAGE_MAX) {
      message = message.substring(0, STATUS_MESSAGE_MAX) + "…";
    }
    String text =
        "the Kubernetes API answered "
            + answer.status()
            + " to POST "
            + path
            + " through the service proxy"
            + (message.isEmpty() ? "" : ": " + message);
    Outcome outcome =
        switch (answer.status()) {
          case 403 -> Outcome.FORBIDDEN;
          case 502, 503, 504 -> Outcome.UNREACHABLE;
          default -> Outcome.HTTP_ERROR;
        };
    if (answer.status() == 404 && message.toLowerCase(Locale.ROOT).contains("not found")) {
      outcome = Outcome.UNREACHABLE;
    }
    throw new AirbyteApiException(outcome, answer.status(), text);
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static void cancel(
      CompletableFuture<HttpResponse<AsyncBody>> future,
      @Nullable HttpResponse<AsyncBody> response) {
    future.cancel(true);
    if (response != null) {
      response.body().cancel();
    }
  }

  @Override
  public String endpoint() {
    return "service "
        + server.namespace()
        + "/"
        + server.name()
        + ":"
        + port
        + " through the Kubernetes API proxy";
  }

  @Override
  public @Nullable ObjectRef server() {
    return server;
  }

  @Override
  public void close() {
    client.close();
  }
}
