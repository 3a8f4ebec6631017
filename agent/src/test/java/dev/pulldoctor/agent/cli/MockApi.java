package dev.pulldoctor.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.MockClusters;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * fabric8's mock API server in CRUD mode on loopback, which can be switched to answering every
 * request with 500 (an API-server outage) and counts the requests it gets by kind of call.
 */
final class MockApi implements AutoCloseable {
  final KubernetesMockServer server;

  /**
   * A client for seeding and changing objects (the daemon gets its own, from {@link #kubeconfig}).
   */
  final KubernetesClient client;

  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile Function<RecordedRequest, @Nullable MockResponse> fault = request -> null;
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
  private final Queue<String> writes = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
  private final ExecutorService watchFailures = WatchFailureHandoff.failureThread();
  private final Set<WebSocket> openWatches = ConcurrentHashMap.newKeySet();

  private MockApi() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String path = Objects.requireNonNullElse(request.getPath(), "");
            requests
                .computeIfAbsent(
                    request.getMethod() + (path.contains("watch=true") ? " watch" : ""),
                    k -> new AtomicLong())
                .incrementAndGet();
            MockResponse injected = fault.apply(request);
            if (injected != null) {
              return injected;
            }
            if (failing.get()) {
              return json(
                  500,
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                      + "\"message\":\"etcdserver: request timed out\",\"code\":500}");
            }
            if (("PATCH".equals(request.getMethod()) || "POST".equals(request.getMethod()))
                && !path.contains("accessreviews")) {
              writes.add(request.getMethod() + " " + path);
              MockResponse answered = asApiServer(request, crud);
              if (answered != null) {
                return answered;
              }
            }
            return WatchFailureHandoff.wrap(crud.dispatch(request), watchFailures, openWatches);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  /**
   * What the CRUD mock does not do as the API server does: a request with {@code dryRun=All} is
   * answered without storing anything, a JSON patch whose {@code test} fails gets 422 (as
   * kubernetes/apiserver's patch handler answers), and a create of a taken name gets 409 in a dry
   * run too. Null: the CRUD mock answers.
   */
  private static @Nullable MockResponse asApiServer(
      RecordedRequest request, KubernetesMixedDispatcher crud) {
    String path = Objects.requireNonNullElse(request.getPath(), "");
    boolean dryRun = path.contains("dryRun=All");
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    try {
      if ("PATCH".equals(request.getMethod())
          && String.valueOf(request.getHeader("Content-Type")).contains("json-patch")) {
        MockResponse current = crud.dispatch(get(bare));
        if (current.code() != 200) {
          return dryRun ? current : null;
        }
        JsonNode document = JSON_MAPPER.readTree(current.getBody().getBytes());
        JsonNode patched;
        try {
          patched = io.fabric8.zjsonpatch.JsonPatch.apply(JSON_MAPPER.readTree(body), document);
        } catch (RuntimeException e) {
          return json(
              422,
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                  + "\"message\":\"the patch does not apply\",\"code\":422}");
        }
        return dryRun ? json(200, patched.toString()) : null;
      }
      if ("POST".equals(request.getMethod()) && dryRun) {
        JsonNode object = JSON_MAPPER.readTree(body);
        String name = object.path("metadata").path("name").asText();
        MockResponse existing = crud.dispatch(get(bare + "/" + name));
        return existing.code() == 200
            ? json(
                409,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"AlreadyExists\",\"code\":409}")
            : json(201, object.toString());
      }
    } catch (IOException e) {
      return json(400, "{\"kind\":\"Status\",\"code\":400}");
    }
    return null;
  }

  private static RecordedRequest get(String path) {
    return new RecordedRequest(
        "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer());
  }

  /**
   * The writes (PATCH and POST, dry runs included; not the access reviews, which ask, not write) so
   * far, as {@code METHOD path}.
   */
  List<String> writes() {
    return List.copyOf(writes);
  }

  static MockApi start() {
    return new MockApi();
  }

  /**
   * Answers every request with 500 while set, and ends the open watches when set, as an API server
   * going down ends them: the daemon's informers must list again, and meet the 500s.
   */
  void failing(boolean fail) {
    failing.set(fail);
    if (fail) {
      for (WebSocket watch : List.copyOf(openWatches)) {
        watch.close(1011, "outage");
        openWatches.remove(watch);
      }
    }
  }

  /**
   * Answers the requests {@code injector} picks itself (it returns null for the others, which go on
   * as usual): 429s, 403s on one kind, 410 on a watch, slow answers.
   */
  void fault(Function<RecordedRequest, @Nullable MockResponse> injector) {
    fault = injector;
  }

  /** Whether {@code request} lists {@code resource} (a path ending), not a watch of it. */
  static boolean isList(RecordedRequest request, String resource) {
    String path = Objects.requireNonNullElse(request.getPath(), "");
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    return "GET".equals(request.getMethod())
        && bare.endsWith(resource)
        && !path.contains("watch=true");
  }

  /** An answer with a JSON body, for {@link #fault}. */
  static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  /** Requests so far, by {@code METHOD} or {@code GET watch}. */
  Map<String, Long> requestCounts() {
    Map<String, Long> counts = new HashMap<>();
    requests.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  /** Creates the objects of an example directory (and their namespaces). */
  MockApi seed(Path dir) throws InputException {
    seed(new ManifestReader().read(List.of(dir)).objects());
    return this;
  }

  void seed(List<HasMetadata> objects) {
    MockClusters.seed(client, objects);
  }

  /** A kubeconfig for the mock, so the daemon connects as {@code serve} does. */
  Path kubeconfig(Path dir) {
    return Kubeconfig.of(client).writeTo(dir.resolve("kubeconfig"));
  }

  /** A client configured as {@code serve} configures its own. */
  KubeClients.Connection connect(Path dir)
      throws IOException, InputException, ClusterUnreachableException {
    return KubeClients.connect(kubeconfig(dir), null);
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // MockWebServer gives up waiting for a kept-alive client connection to close (seen under
      // load); the test's assertions have run by then, and the server's port is released anyway.
      System.err.println("mock API: " + e.getMessage());
    }
    watchFailures.shutdownNow();
  }
}
