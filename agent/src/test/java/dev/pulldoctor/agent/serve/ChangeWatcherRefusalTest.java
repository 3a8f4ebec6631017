package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A watch the API server forbids (RBAC without {@code watch}, such as the chart's {@code
 * rbac.secrets.mode=none} for pull secrets, or a hand-made Role without {@code watch} on Roles) is
 * not a watch that is down: {@code /readyz} must not stay 503 for it, and re-opening it every few
 * seconds must not ask for a run each time.
 */
@EnableKubernetesMockClient(crud = true)
class ChangeWatcherRefusalTest {
  private static final ChangeWatcher.Policy QUICK =
      new ChangeWatcher.Policy(
          Duration.ofMillis(100),
          Duration.ofMillis(300),
          Duration.ofMillis(300),
          Duration.ofMinutes(10));

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void a_forbidden_watch_is_named_as_refused_not_down_and_asks_for_no_run() throws Exception {
    server
        .expect()
        .get()
        .withPath("/apis/rbac.authorization.k8s.io/v1/namespaces/jobs/roles?limit=500")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("roles.rbac.authorization.k8s.io is forbidden")
                .build())
        .always();
    List<String> changes = new CopyOnWriteArrayList<>();

    try (ChangeWatcher watcher = new ChangeWatcher(client, changes::add, () -> {}, QUICK)) {
      watcher.watch(ChangeWatcherPagingTest.TARGETS);
      Waits.await("the refusal seen, the others watching")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  !watcher.health().refused().isEmpty()
                      && watcher.health().watching() >= watcher.health().informers() - 1);
      // Once the refusal is known (the informer's first answers may come after a check or two):
      // several check periods and restart waits later, nothing was re-opened and no run asked.
      long restarts = watcher.restarts("Role");
      int asked = changes.size();
      Waits.await("no re-open and no run asked")
          .during(Duration.ofMillis(1_500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> watcher.restarts("Role") == restarts && changes.size() == asked);

      ChangeWatcher.Health health = watcher.health();
      assertThat(health.refused()).containsExactly("Roles in namespace jobs");
      assertThat(health.down()).isEmpty();
      assertThat(watcher.restarts("Role")).isEqualTo(restarts);
      assertThat(changes).hasSize(asked);
    }
  }
}
