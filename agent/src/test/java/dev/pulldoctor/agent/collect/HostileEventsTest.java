package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Events anyone can write into the job namespace (10,000 of 1 KiB and 100 of 1 MiB, the attack
 * run's namespace) are read in pages and kept small, and the pull failures that matter still give
 * the same verdicts.
 */
@EnableKubernetesMockClient
class HostileEventsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String NAMESPACE = HostileNamespace.NAMESPACE;
  private static final String EVENTS = "/api/v1/namespaces/" + NAMESPACE + "/events";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void large_events_are_read_in_pages_and_kept_small_and_the_verdicts_do_not_change()
      throws Exception {
    Path examples = Path.of("..", "examples");
    Snapshot offline =
        new ManifestSnapshots(CLOCK)
            .read(List.of(examples.resolve(HostileNamespace.EXAMPLE)), null);
    List<HasMetadata> objects = HostileNamespace.objects(examples);
    List<String> paths = new ArrayList<>();
    for (String kind : List.of("pods", "events", "serviceaccounts", "secrets", "configmaps")) {
      paths.add("/api/v1/namespaces/" + NAMESPACE + "/" + kind);
    }
    paths.add("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments");
    for (String kind : List.of("roles", "rolebindings")) {
      paths.add("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE + "/" + kind);
    }
    paths.add("/apis/networking.k8s.io/v1/namespaces/" + NAMESPACE + "/networkpolicies");
    paths.add("/api/v1/nodes");
    paths.add("/apis/rbac.authorization.k8s.io/v1/clusterroles");
    paths.add("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
    LargeNamespace.serve(server, objects, paths);
    allowEveryReview();
    int before = server.getRequestCount();

    Snapshot live = new ClusterCollector(client, CLOCK).collect(NAMESPACE, "mock");

    List<String> eventRequests = new ArrayList<>();
    for (int i = 0, after = server.getRequestCount(); i < after; i++) {
      RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
      if (i >= before && request.getPath().startsWith(EVENTS)) {
        eventRequests.add(request.getPath());
      }
    }
    // 10,100 noise events and the example's own: pages of 25, each after the first
    // continuing where the last ended.
    assertThat(eventRequests)
        .containsExactlyInAnyOrderElementsOf(
            LargeNamespace.pageRequests(objects, List.of(EVENTS)).stream()
                .map(r -> r.substring("GET ".length()))
                .toList())
        .hasSize(
            (HostileNamespace.CHATTY_EVENTS
                    + HostileNamespace.HUGE_EVENTS
                    + offline.events().size()
                    + 24)
                / 25);
    assertThat(live.collectionErrors()).isEmpty();
    assertThat(live.events())
        // 52 noise pods, each kept to its newest MAX_EVENTS_PER_POD, and the example's own image
        // events.
        .hasSize(
            (HostileNamespace.CHATTY_PODS + HostileNamespace.HUGE_PODS)
                    * EventReducer.MAX_EVENTS_PER_POD
                + (int) offline.events().stream().filter(EventReducer::canMatter).count())
        .allSatisfy(
            e ->
                assertThat(e.getMessage())
                    .hasSizeLessThanOrEqualTo(EventReducer.MAX_MESSAGE_CHARS));
    assertThat(live.events().stream().mapToInt(e -> e.getMessage().length()).sum())
        .as("message characters kept")
        .isLessThan(2 << 20);
    assertThat(comparable(run(live))).isEqualTo(comparable(run(offline)));
  }

  private void allowEveryReview() {
    ReviewAnswers.allowEvery(server);
  }

  private static List<Result> run(Snapshot snapshot) {
    return new RuleEngine(Rules.all())
        .run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW)
        .results();
  }

  /**
   * What a user reads of each result, but for two rules whose text differs between files and a live
   * API for reasons other than events: {@code launcher.rollout} (creation times, see
   * ClusterCollectorTest) and {@code rbac.job-launcher} (access reviews).
   */
  private static List<String> comparable(List<Result> results) {
    return results.stream()
        .filter(r -> !r.rule().equals("launcher.rollout"))
        // The live run confirms the launcher's access by SubjectAccessReview, which files cannot.
        .filter(r -> !r.rule().equals("rbac.job-launcher"))
        .map(
            r ->
                String.join(
                    " | ",
                    r.rule(),
                    r.status().word(),
                    String.valueOf(r.subject()),
                    String.valueOf(r.image()),
                    r.message(),
                    String.valueOf(r.remediation())))
        .toList();
  }
}
