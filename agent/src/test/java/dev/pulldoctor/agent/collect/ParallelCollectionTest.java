package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The LISTs run in parallel, yet the snapshot is the same on every run: objects, events and
 * collection errors in a fixed order. A 401 on any LIST still stops the run.
 */
@EnableKubernetesMockClient
class ParallelCollectionTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
  private static final List<String> PATHS =
      List.of(
          "/apis/apps/v1/namespaces/airbyte/deployments",
          "/api/v1/namespaces/airbyte/configmaps",
          "/api/v1/namespaces/airbyte/pods",
          "/api/v1/namespaces/airbyte/events",
          "/api/v1/namespaces/airbyte/serviceaccounts",
          "/api/v1/namespaces/airbyte/secrets",
          "/apis/rbac.authorization.k8s.io/v1/namespaces/airbyte/roles",
          "/apis/rbac.authorization.k8s.io/v1/namespaces/airbyte/rolebindings",
          "/apis/networking.k8s.io/v1/namespaces/airbyte/networkpolicies",
          "/api/v1/nodes",
          "/apis/rbac.authorization.k8s.io/v1/clusterroles",
          "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");

  KubernetesMockServer server;
  KubernetesClient client;
  List<HasMetadata> objects;

  @BeforeEach
  void readExample() throws InputException {
    objects =
        new ManifestReader()
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")))
            .objects();
  }

  @RepeatedTest(3)
  void errors_and_events_keep_their_order_whatever_answers_first() throws Exception {
    Set<String> forbidden =
        Set.of(
            "/api/v1/nodes",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/airbyte/roles",
            "/api/v1/namespaces/airbyte/secrets",
            // after the forbidden list, the collector gets the named pull secret
            "/api/v1/namespaces/airbyte/secrets/regcred",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles");
    LargeNamespace.serve(
        server, objects, PATHS.stream().filter(p -> !forbidden.contains(p)).toList());
    // A LIST is refused on its first page; the GET by name as it is.
    forbidden.forEach(
        p -> answer(PATHS.contains(p) ? LargeNamespace.pagePath(p, 0) : p, 403, "Forbidden"));

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(live.collectionErrors())
        .extracting(CollectionError::resource)
        // Reviews are not served here: the API answers 404, recorded last (the reviews follow the
        // RBAC LISTs they are kept against).
        .containsExactly("secrets", "roles", "nodes", "clusterroles", "subjectaccessreviews");
    assertThat(live.collectionErrors())
        .extracting(CollectionError::httpStatus)
        .containsExactly(403, 403, 403, 403, 404);
    assertThat(live.events())
        .extracting(e -> e.getMetadata().getName())
        .containsExactlyElementsOf(
            objects.stream()
                .filter(o -> o instanceof Event e && EventReducer.canMatter(e))
                .map(o -> o.getMetadata().getName())
                .toList());
    assertThat(live.deployments()).hasSize(2);
    assertThat(live.pods()).hasSize(4);
  }

  @Test
  void a_401_on_any_list_stops_the_run() {
    String events = "/api/v1/namespaces/airbyte/events";
    LargeNamespace.serve(server, objects, PATHS.stream().filter(p -> !p.equals(events)).toList());
    answer(LargeNamespace.pagePath(events, 0), 401, "Unauthorized");

    assertThatThrownBy(() -> new ClusterCollector(client, CLOCK).collect("airbyte", "mock"))
        .isInstanceOf(ClusterUnreachableException.class)
        .hasMessageContaining("rejected the credentials of this context (401 Unauthorized)");
  }

  private void answer(String path, int code, String reason) {
    Status status =
        new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
    server.expect().get().withPath(path).andReturn(code, status).always();
  }
}
