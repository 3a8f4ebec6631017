package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The daemon starts the informers of the namespace it is given before its first report, taking the
 * job pods to run there; when the report names another job namespace, the informers still wanted
 * keep their caches and only the new namespace's are started: nothing is listed twice.
 */
@EnableKubernetesMockClient(crud = true)
class ChangeWatcherTargetsTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void a_report_naming_another_job_namespace_adds_its_informers_and_lists_nothing_twice()
      throws Exception {
    try (ChangeWatcher watcher =
        new ChangeWatcher(client, change -> {}, () -> {}, ChangeWatcher.Policy.DEFAULT)) {
      watcher.watch(WatchTargets.beforeFirstReport("airbyte"));
      awaitAllWatching(watcher);
      int before = watcher.health().informers();

      watcher.watch(ChangeWatcherPagingTest.TARGETS);
      awaitAllWatching(watcher);

      List<String> lists = lists();
      assertThat(lists)
          .filteredOn(p -> p.startsWith("/api/v1/namespaces/airbyte/pods?"))
          .hasSize(1);
      assertThat(lists).filteredOn(p -> p.startsWith("/api/v1/nodes?")).hasSize(1);
      assertThat(lists).filteredOn(p -> p.startsWith("/api/v1/namespaces/jobs/pods?")).hasSize(1);
      // The job namespace's kinds and the named pull secret's watch in each namespace were added.
      assertThat(watcher.health().informers()).isGreaterThan(before);
    }
  }

  private static void awaitAllWatching(ChangeWatcher watcher) {
    Waits.await("every informer watching")
        .atMost(Duration.ofSeconds(20))
        .until(() -> watcher.health().watching() == watcher.health().informers());
  }

  /** The paths of the LISTs the server was sent (not the watches). */
  private List<String> lists() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      String path = String.valueOf(request.getPath());
      if ("GET".equals(request.getMethod()) && !path.contains("watch=true")) {
        paths.add(path);
      }
    }
    return paths;
  }
}
