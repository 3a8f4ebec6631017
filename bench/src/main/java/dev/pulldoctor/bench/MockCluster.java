package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.LargeNamespace;
import dev.pulldoctor.agent.collect.ReviewAnswers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The large namespace ({@link LargeNamespace}, full size) in fabric8's mock API server, CRUD mode,
 * in this JVM: seeded once, then read by the {@code live} and {@code daemon} sections; or other
 * objects, such as the {@code hostile} section's namespace flooded with events. Access reviews are
 * answered "allowed" by an expectation, as a real API server answers them; the CRUD store alone
 * would only echo them back. Every request is counted in a request log by method, path and watch,
 * which is how the {@code daemon} section counts the API requests of an idle hour.
 */
final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path dir;
  private final Path kubeconfig;
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
  private volatile Set<String> staticPaths = Set.of();
  private volatile @Nullable List<Recorded> recording;

  private MockCluster() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
    Dispatcher counting =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String key = key(request);
            requests.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            List<Recorded> recorded = recording;
            if (recorded != null && !key.endsWith(" watch")) {
              recorded.add(
                  new Recorded(
                      request.getMethod(),
                      Objects.requireNonNullElse(request.getPath(), ""),
                      request.getBody() == null
                          ? ""
                          : new String(request.getBody().getBytes(), StandardCharsets.UTF_8)));
            }
            if (key.endsWith(" watch")
                && staticPaths.contains(key.substring("GET ".length(), key.length() - 6))) {
              // Nothing changes there: a watch that hears nothing, as an API server's watch from
              // the list's resourceVersion. The CRUD store would first send every object again.
              return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {});
            }
            return crud.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), expectations, counting, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    dir = Files.createTempDirectory("pulldoctor-bench");
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig, kubeconfig(client.getConfiguration().getMasterUrl()), StandardCharsets.UTF_8);
  }

  /** Starts the server and creates the large namespace in it (25–40 s here). */
  static MockCluster seeded(Path root) throws Exception {
    return seeded(root, LargeNamespace.Size.FULL);
  }

  /**
   * Starts the server and creates a namespace of {@code size} in it. Its pods and events, which no
   * harness section changes, are answered as an API server answers them: LISTs in pages (the
   * daemon's informers list them with a limit, and the CRUD store would answer 2,000 pods or 10,000
   * events at once) and watches that hear nothing.
   */
  static MockCluster seeded(Path root, LargeNamespace.Size size) throws Exception {
    String namespace = "/api/v1/namespaces/" + LargeNamespace.NAMESPACE;
    return seeded(
        LargeNamespace.objects(root.resolve("examples"), size),
        List.of(namespace + "/pods", namespace + "/events"));
  }

  /**
   * Starts the server and creates {@code objects} in it. The objects of {@code staticPaths}
   * (collection paths such as {@code /api/v1/namespaces/NS/events}) must not change afterwards,
   * which lets the server answer for them as an API server does where the CRUD store does not: the
   * LISTs the collector pages ({@code limit}, {@code continue}) page by page ({@link
   * LargeNamespace#serve}, expectations made once on top of the CRUD store, which ignores {@code
   * limit}), and watches with silence (the CRUD store sends every object it holds to a new watch).
   * The objects of those paths are not put into the CRUD store at all.
   */
  static MockCluster seeded(List<HasMetadata> objects, List<String> staticPaths) throws Exception {
    MockCluster cluster = new MockCluster();
    boolean seeded = false;
    try {
      // The objects of the static paths are answered by expectations alone: the CRUD store takes
      // minutes per 10,000 objects (64,060 objects did not finish in 18 minutes).
      List<HasMetadata> stored =
          objects.stream().filter(o -> !staticPaths.contains(LargeNamespace.listPath(o))).toList();
      Bench.progress(
          "seeding the mock API server (CRUD) with "
              + stored.size()
              + " objects, answering "
              + (objects.size() - stored.size())
              + " from expectations…");
      Samples seeding = new Samples();
      seeding.time(() -> LargeNamespace.seed(cluster.client, stored));
      Bench.progress("seeded in " + seeding.describe());
      if (!staticPaths.isEmpty()) {
        LargeNamespace.serve(cluster.server, objects, staticPaths);
        cluster.staticPaths = Set.copyOf(staticPaths);
      }
      cluster.answerAccessReviews();
      seeded = true;
      return cluster;
    } finally {
      if (!seeded) {
        cluster.close();
      }
    }
  }

  /** One request as the server received it: method, path with its query, and body. */
  record Recorded(String method, String path, String body) {}

  /**
   * The requests (watches left out) the server receives while {@code task} runs, in the order they
   * arrive, so that another client can make exactly the same ones.
   */
  List<Recorded> record(Samples.Task task) throws Exception {
    List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    recording = recorded;
    try {
      task.run();
    } finally {
      recording = null;
    }
    return List.copyOf(recorded);
  }

  /** A client of the server, for seeding and changing objects. */
  KubernetesClient client() {
    return client;
  }

  /** A kubeconfig for the server, as a user passes it to {@code --kubeconfig}. */
  Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The requests so far, by {@code METHOD path} without the query, with {@code " watch"} appended
   * for watches.
   */
  Map<String, Long> requests() {
    Map<String, Long> counts = new HashMap<>();
    requests.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  private static String key(RecordedRequest request) {
    String path = Objects.requireNonNullElse(request.getPath(), "");
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    boolean watch = query >= 0 && path.substring(query).contains("watch=true");
    return request.getMethod() + " " + bare + (watch ? " watch" : "");
  }

  private void answerAccessReviews() {
    ReviewAnswers.allowEvery(server);
  }

  private static String kubeconfig(String server) {
    return """
    apiVersion: v1
    kind: Config
    clusters:
    - name: bench
      cluster: {server: "%s", insecure-skip-tls-verify: true}
    contexts:
    - name: bench
      context: {cluster: bench, user: bench, namespace: airbyte}
    current-context: bench
    users:
    - name: bench
      user: {token: bench}
    """
        .formatted(server);
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.destroy();
    Files.deleteIfExists(kubeconfig);
    Files.deleteIfExists(dir);
  }
}
