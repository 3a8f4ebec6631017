package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The change watcher's informers list in pages, as the collector does: a namespace's events are
 * whatever anyone writes there, and one unpaged answer of the attack run's events (113 MiB) ran the
 * chart's heap out of memory before the first watch opened ({@code bench/run --only hostile}).
 */
@EnableKubernetesMockClient(crud = true)
class ChangeWatcherPagingTest {
  /** An install with its jobs in namespace {@code jobs}, as the change-watcher tests watch it. */
  static final WatchTargets TARGETS =
      new WatchTargets(
          "airbyte",
          "airbyte-workload-launcher",
          null,
          "jobs",
          List.of("regcred"),
          "airbyte-admin");

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void namespace_wide_informers_list_in_pages() throws Exception {
    int before = server.getRequestCount();
    try (ChangeWatcher watcher = new ChangeWatcher(client, change -> {})) {
      watcher.watch(TARGETS);
      Waits.await("every watch open")
          .atMost(Duration.ofSeconds(20))
          .until(() -> watcher.health().watching() >= watcher.health().informers());
    }
    List<String> lists = new ArrayList<>();
    for (int i = 0, after = server.getRequestCount(); i < after; i++) {
      String path = server.takeRequest(1, TimeUnit.SECONDS).getPath();
      if (i >= before && !path.contains("watch=true")) {
        lists.add(path);
      }
    }
    assertThat(lists)
        .contains(
            "/api/v1/namespaces/jobs/events?limit=25",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/jobs/roles?limit=500",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/jobs/rolebindings?limit=500");
  }
}
