package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * However large the namespace, the collector makes one LIST per kind it reads, in pages of 500
 * objects (25 for events), and one SubjectAccessReview per permission the launcher needs: no
 * request per object (no N+1). Counted in the mock API server's request log, not timed. The server
 * answers from expectations, which take a second to set up where the CRUD store takes half a minute
 * for 13,000 objects; any request the collector is not meant to make gets a 404 and shows up in the
 * log.
 */
@EnableKubernetesMockClient
class ClusterCollectorRequestsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String SAR_PATH = ReviewAnswers.PATH;
  private static final List<String> NAMESPACED_LISTS =
      List.of(
          "GET /apis/apps/v1/namespaces/airbyte/deployments",
          "GET /api/v1/namespaces/airbyte/configmaps",
          "GET /api/v1/namespaces/airbyte/pods",
          "GET /api/v1/namespaces/airbyte/events",
          "GET /api/v1/namespaces/airbyte/serviceaccounts",
          "GET /api/v1/namespaces/airbyte/secrets",
          "GET /apis/rbac.authorization.k8s.io/v1/namespaces/airbyte/roles",
          "GET /apis/rbac.authorization.k8s.io/v1/namespaces/airbyte/rolebindings",
          "GET /apis/networking.k8s.io/v1/namespaces/airbyte/networkpolicies");
  private static final List<String> CLUSTER_LISTS =
      List.of(
          "GET /api/v1/nodes",
          "GET /apis/rbac.authorization.k8s.io/v1/clusterroles",
          "GET /apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
  // The five permissions Airbyte 1.8's workload-launcher uses (create, patch, list, watch and
  // delete pods; LauncherPermissions), one review each.
  private static final List<String> REVIEWS = Collections.nCopies(5, "POST " + SAR_PATH);

  KubernetesMockServer server;
  KubernetesClient client;
  List<HasMetadata> objects;

  @BeforeEach
  void serveLargeNamespace() throws Exception {
    objects = LargeNamespace.objects(Path.of("..", "examples"), LargeNamespace.Size.FULL);
    List<String> paths = new ArrayList<>();
    Stream.concat(NAMESPACED_LISTS.stream(), CLUSTER_LISTS.stream())
        .forEach(r -> paths.add(r.substring("GET ".length())));
    LargeNamespace.serve(server, objects, paths);
    ReviewAnswers.allowEvery(server);
  }

  @Test
  void one_list_per_kind_paged_and_one_review_per_permission_for_2000_job_pods() throws Exception {
    List<String> requests = requestsMadeBy(() -> collect("airbyte"));

    List<String> expected = pagesOf(NAMESPACED_LISTS);
    expected.addAll(pagesOf(CLUSTER_LISTS));
    expected.addAll(REVIEWS);
    assertThat(requests).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void finding_the_namespace_adds_one_list_per_launcher_name() throws Exception {
    List<String> searches = new ArrayList<>();
    for (String name :
        List.of("workload-launcher", "airbyte-workload-launcher", "worker", "airbyte-worker")) {
      String path = "/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fname%3D" + name;
      List<Deployment> found =
          objects.stream()
              .filter(Deployment.class::isInstance)
              .map(Deployment.class::cast)
              .filter(d -> name.equals(d.getMetadata().getLabels().get("app.kubernetes.io/name")))
              .toList();
      server
          .expect()
          .get()
          .withPath(path)
          .andReturn(200, new DeploymentListBuilder().withItems(found).build())
          .always();
      searches.add("GET " + path);
    }

    List<String> requests =
        requestsMadeBy(() -> assertThat(collect(null).source().namespace()).isEqualTo("airbyte"));

    List<String> expected = new ArrayList<>(searches);
    expected.addAll(pagesOf(NAMESPACED_LISTS));
    expected.addAll(pagesOf(CLUSTER_LISTS));
    expected.addAll(REVIEWS);
    assertThat(requests).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void the_snapshot_holds_the_whole_namespace() throws Exception {
    Snapshot live = collect("airbyte");

    assertThat(live.pods()).hasSize(2_000 + 4);
    // Every image event about a pod; those about ReplicaSets or nodes are no rule's concern.
    assertThat(live.events())
        .hasSize(
            (int)
                objects.stream()
                    .filter(Event.class::isInstance)
                    .map(Event.class::cast)
                    .filter(EventReducer::canMatter)
                    .count())
        .hasSizeGreaterThan(3_000);
    assertThat(live.secrets()).hasSize(500);
    assertThat(live.roles().size() + live.roleBindings().size()).isEqualTo(300);
    assertThat(live.nodes())
        .hasSize(50)
        .allSatisfy(n -> assertThat(n.getStatus().getImages()).hasSize(50));
    assertThat(live.accessReviews()).hasSize(5);
    assertThat(live.collectionErrors()).isEmpty();
  }

  @Test
  void secret_data_is_read_of_pull_secrets_and_helm_releases_only() throws Exception {
    List<String> secretRequests = new ArrayList<>();
    int before = server.getRequestCount();
    Snapshot live = collect("airbyte");
    for (int i = 0, after = server.getRequestCount(); i < after; i++) {
      RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
      if (i >= before && request.getPath().startsWith("/api/v1/namespaces/airbyte/secrets")) {
        secretRequests.add(request.getPath() + " accept=" + accepted(request.getHeader("Accept")));
      }
    }

    // Names from a metadata-only LIST (no data in its answer); data from LISTs by type only.
    assertThat(secretRequests)
        .containsExactlyInAnyOrder(
            "/api/v1/namespaces/airbyte/secrets?limit=500 accept=metadata-only",
            "/api/v1/namespaces/airbyte/secrets?fieldSelector=type%3Dkubernetes.io%2Fdockerconfigjson&limit=500"
                + " accept=objects",
            "/api/v1/namespaces/airbyte/secrets?fieldSelector=type%3Dkubernetes.io%2Fdockercfg&limit=500"
                + " accept=objects",
            "/api/v1/namespaces/airbyte/secrets?fieldSelector=type%3Dhelm.sh%2Frelease.v1&labelSelector=owner%3Dhelm&limit=500"
                + " accept=objects");
    // Airbyte's own secret (database password and all) is known by name alone.
    SecretInfo airbyteSecrets = live.secret("airbyte", "airbyte-airbyte-secrets").orElseThrow();
    assertThat(airbyteSecrets.dataNotRead()).isTrue();
    assertThat(airbyteSecrets.dataKeys()).isEmpty();
    assertThat(airbyteSecrets.valueFingerprints()).isEmpty();
    assertThat(airbyteSecrets.createdAt()).isEqualTo(Instant.parse("2026-11-03T14:20:08Z"));
    // The pull secret and the release record are read whole, as before.
    assertThat(live.secret("airbyte", "regcred").orElseThrow().pullSecret()).isNotNull();
    assertThat(live.helmRelease("airbyte", "airbyte")).isPresent();
    assertThat(live.secrets().stream().filter(SecretInfo::dataNotRead))
        .hasSize(
            (int)
                objects.stream()
                    .filter(o -> o instanceof Secret secret && "Opaque".equals(secret.getType()))
                    .count())
        .hasSizeGreaterThan(250);
  }

  /** What an Accept header asks for: a kind's own list, or its metadata only. */
  private static String accepted(@Nullable String accept) {
    if (accept == null) {
      return "objects";
    }
    return accept.contains("as=PartialObjectMetadataList") ? "metadata-only" : accept;
  }

  /** The page requests of {@code lists} ("GET path"): a LIST of 2,000 pods is 4 pages. */
  private List<String> pagesOf(List<String> lists) {
    return new ArrayList<>(
        LargeNamespace.pageRequests(
            objects, lists.stream().map(r -> r.substring("GET ".length())).toList()));
  }

  private Snapshot collect(String namespace) throws ClusterUnreachableException {
    return new ClusterCollector(client, Clock.fixed(NOW, ZoneOffset.UTC))
        .collect(namespace, "mock");
  }

  private interface Collection {
    void run() throws Exception;
  }

  /** Method and path of each request {@code collection} made, in the order they arrived. */
  private List<String> requestsMadeBy(Collection collection) throws Exception {
    int before = server.getRequestCount();
    collection.run();
    int after = server.getRequestCount();
    List<String> made = new ArrayList<>();
    for (int i = 0; i < after; i++) {
      RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
      if (i >= before) {
        made.add(request.getMethod() + " " + request.getPath());
      }
    }
    return made;
  }
}
