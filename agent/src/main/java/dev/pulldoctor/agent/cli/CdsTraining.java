package dev.pulldoctor.agent.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeSerialization;
import dev.pulldoctor.agent.collect.ManifestReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run for the application class-data-sharing archive that {@code mvn package} writes
 * next to the jar ({@code -XX:ArchiveClassesAtExit}): one JVM that runs the commands people run, so
 * that the classes they load are in the archive. A JVM records one archive per run, hence one
 * program for all of them rather than one {@code java -jar} per command. The live diagnosis talks
 * to a stand-in API server on loopback that answers every LIST with an empty list and every access
 * review with "allowed", which loads the Kubernetes client and its HTTP stack.
 */
public final class CdsTraining {
  private static final String CLASSIFY_SAMPLE =
      "Failed to pull image \"registry.example.com/team/source-foo:1.2.0\": failed to resolve"
          + " reference: unexpected status from HEAD request: 401 Unauthorized";

  private CdsTraining() {}

  /**
   * Runs every command once, printing nothing.
   *
   * @param args the directory of one example dump ({@code examples/healthy-private-registry})
   */
  public static void main(String[] args) throws IOException, InputException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CdsTraining EXAMPLE_DIR");
    }
    List<List<String>> runs = new ArrayList<>();
    runs.add(List.of("--help"));
    runs.add(List.of("diagnose", "--help"));
    runs.add(List.of("rules"));
    runs.add(List.of("explain", "pullsecret.registry-match"));
    runs.add(List.of("classify", CLASSIFY_SAMPLE));
    runs.add(List.of("classify", "-o", "json", CLASSIFY_SAMPLE));
    runs.add(List.of("version"));
    runs.add(List.of("diagnose", "--bogus-option"));
    for (String format : List.of("table", "json", "yaml", "markdown", "sarif", "junit")) {
      runs.add(List.of("diagnose", "--manifests", args[0], "--offline", "-o", format));
    }
    HttpServer api = standInApiServer(lists(Path.of(args[0])));
    Path kubeconfig = Files.createTempFile("pulldoctor-cds", ".kubeconfig");
    try {
      Files.writeString(kubeconfig, kubeconfig(api.getAddress()), StandardCharsets.UTF_8);
      runs.add(List.of("diagnose", "--kubeconfig", kubeconfig.toString(), "-o", "json"));
      for (List<String> run : runs) {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Main.run(discard, discard, run.toArray(String[]::new));
      }
    } finally {
      api.stop(0);
      Files.deleteIfExists(kubeconfig);
    }
  }

  /**
   * The example's objects as LIST responses, by path: namespaced, and cluster-wide for the search
   * of the Airbyte namespace (whose label selector the stand-in ignores).
   */
  private static Map<String, String> lists(Path example) throws InputException {
    Map<String, List<HasMetadata>> byPath = new HashMap<>();
    for (HasMetadata object : new ManifestReader().read(List.of(example)).objects()) {
      String version = object.getApiVersion();
      String prefix = (version.contains("/") ? "/apis/" : "/api/") + version;
      String plural = "/" + HasMetadata.getPlural(object.getClass());
      byPath.computeIfAbsent(prefix + plural, k -> new ArrayList<>()).add(object);
      String namespace = object.getMetadata().getNamespace();
      if (namespace != null) {
        byPath
            .computeIfAbsent(prefix + "/namespaces/" + namespace + plural, k -> new ArrayList<>())
            .add(object);
      }
    }
    KubernetesSerialization serialization = KubeSerialization.shared();
    Map<String, String> lists = new HashMap<>();
    byPath.forEach(
        (path, items) ->
            lists.put(
                path,
                serialization.asJson(
                    Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "List",
                        "metadata",
                        Map.of("resourceVersion", "1"),
                        "items",
                        items))));
    return lists;
  }

  private static HttpServer standInApiServer(Map<String, String> lists) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, lists));
    server.start();
    return server;
  }

  private static void answer(HttpExchange exchange, Map<String, String> lists) {
    String body =
        exchange.getRequestMethod().equals("POST")
            ? "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
                + "\"spec\":{},\"status\":{\"allowed\":true}}"
            : lists.getOrDefault(
                exchange.getRequestURI().getPath(),
                "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},\"items\":[]}");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      exchange.close();
    }
  }

  private static String kubeconfig(InetSocketAddress address) {
    return """
    apiVersion: v1
    kind: Config
    clusters:
    - name: training
      cluster: {server: "http://%s:%d"}
    contexts:
    - name: training
      context: {cluster: training, user: training, namespace: airbyte}
    current-context: training
    users:
    - name: training
      user: {token: training}
    """
        .formatted(address.getHostString(), address.getPort());
  }
}
