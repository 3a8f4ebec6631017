package dev.pulldoctor.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's mock API server in CRUD mode, with an authorizer in front: requests that carry the
 * agent's token are judged by the chart's RBAC ({@link RbacPolicy}) and answered 403 as the API
 * server would when refused; all of them are logged. Other requests (the test seeding objects) pass
 * unjudged. Allowed SubjectAccessReviews are answered "allowed", as a real API server evaluates
 * them; the CRUD store alone would echo them back without an answer.
 */
final class AuthorizingApi implements AutoCloseable {
  static final String AGENT_TOKEN = "pulldoctor-agent-token";

  /** One request of the agent and whether the chart's RBAC allowed it. */
  record Logged(ApiRequest request, boolean allowed) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  final KubernetesMockServer server;
  final KubernetesClient admin;
  private final RbacPolicy policy;
  private final List<Logged> log = new CopyOnWriteArrayList<>();

  AuthorizingApi(RbacPolicy policy) {
    this.policy = policy;
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String authorization = request.getHeader("Authorization");
            if (authorization == null || !authorization.equals("Bearer " + AGENT_TOKEN)) {
              return crud.dispatch(request);
            }
            ApiRequest parsed =
                ApiRequest.parse(
                    request.getMethod(), Objects.requireNonNullElse(request.getPath(), "/"));
            boolean allowed = AuthorizingApi.this.policy.allows(parsed);
            log.add(new Logged(parsed, allowed));
            if (!allowed) {
              return forbidden(parsed);
            }
            if (parsed.verb().equals("create")
                && parsed.resource().equals("subjectaccessreviews")) {
              return allowedReview(request.getUtf8Body());
            }
            return crud.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = server.createClient();
  }

  /** Creates the objects (and their namespaces) as an administrator. */
  void seed(List<HasMetadata> objects) {
    MockClusters.seed(admin, objects);
  }

  /** A kubeconfig that authenticates as the agent's ServiceAccount. */
  Path kubeconfig(Path dir) {
    return Kubeconfig.of(admin)
        .name("agent")
        .token(AGENT_TOKEN)
        .writeTo(dir.resolve("agent.kubeconfig"));
  }

  List<Logged> log() {
    return List.copyOf(log);
  }

  List<ApiRequest> refused() {
    return log.stream().filter(l -> !l.allowed()).map(Logged::request).toList();
  }

  private static MockResponse forbidden(ApiRequest request) {
    String message =
        request.ruleResource()
            + " is forbidden: User \\\"system:serviceaccount:"
            + Chart.NAMESPACE
            + ":"
            + Chart.FULLNAME
            + "\\\" cannot "
            + request.verb()
            + " resource \\\""
            + request.ruleResource()
            + "\\\"";
    return new MockResponse()
        .setResponseCode(403)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                + message
                + "\",\"reason\":\"Forbidden\",\"code\":403}");
  }

  private static MockResponse allowedReview(String body) {
    try {
      ObjectNode review = (ObjectNode) JSON.readTree(body);
      review.putObject("status").put("allowed", true);
      return new MockResponse()
          .setResponseCode(201)
          .setHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsString(review));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }
}
