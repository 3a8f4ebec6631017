package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon's runs read the cluster from its informers once they hold it: a periodic run sends the
 * API server nothing (no LIST, no GET, no access review), and finds what the first run, which
 * listed everything, found.
 */
class CachedRunsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthy-private-registry",
        "abctl-missing-pull-secret",
        "space-padded-secret-list",
        "worker-env-on-1x"
      })
  void runs_from_the_informers_ask_the_api_nothing_and_find_what_a_listing_run_finds(String example)
      throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve(example));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofSeconds(1)))) {
      JsonNode listed = daemon.awaitReport(r -> r.path("results").size() > 0, WAIT);
      awaitCachesReady(daemon);
      awaitRunAfter(daemon, Instant.now());

      Map<String, Long> before = api.requestCounts();
      awaitRunAfter(daemon, Instant.now());
      awaitRunAfter(daemon, Instant.now());
      Map<String, Long> after = api.requestCounts();

      assertThat(after.getOrDefault("GET", 0L))
          .as("LISTs and GETs during two periodic runs")
          .isEqualTo(before.getOrDefault("GET", 0L));
      assertThat(after.getOrDefault("POST", 0L))
          .as("access reviews during two periodic runs")
          .isEqualTo(before.getOrDefault("POST", 0L));
      assertThat(findings(daemon.report())).isEqualTo(findings(listed));
    }
  }

  @Test
  void given_its_namespace_the_first_run_reads_it_from_the_informers_first_lists()
      throws Exception {
    AtomicInteger podLists = new AtomicInteger();
    AtomicInteger eventLists = new AtomicInteger();
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"))) {
      api.fault(
          request -> {
            if (MockApi.isList(request, "/pods")) {
              podLists.incrementAndGet();
            } else if (MockApi.isList(request, "/events")) {
              eventLists.incrementAndGet();
            }
            return null;
          });
      try (RunningDaemon daemon =
          RunningDaemon.start(
              api, dir, RunningDaemon.quick(Duration.ofMinutes(10)), List.of(), "airbyte", null)) {
        JsonNode first = daemon.awaitReport(r -> r.path("results").size() > 0, WAIT);
        awaitCachesReady(daemon);

        assertThat(RunningDaemon.status(first, "rbac.job-launcher")).isEqualTo("pass");
        // The job pods run in the Airbyte namespace: one informer lists its pods, one its events;
        // the first run lists neither beside them.
        assertThat(podLists.get()).as("LISTs of pods").isEqualTo(1);
        assertThat(eventLists.get()).as("LISTs of events").isEqualTo(1);
      }
    }
  }

  @Test
  void a_role_that_loses_its_rules_shows_in_the_report_within_3_seconds() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      assertThat(RunningDaemon.status(daemon.report(), "rbac.job-launcher")).isEqualTo("pass");
      awaitCachesReady(daemon);

      long start = System.nanoTime();
      Role role =
          api.client.rbac().roles().inNamespace("airbyte").withName("airbyte-admin-role").get();
      api.client
          .rbac()
          .roles()
          .resource(new RoleBuilder(role).withRules(List.of()).build())
          .update();

      // No periodic run for 10 min: only the Role's watch can trigger this one, and its access
      // reviews must be asked again, not taken from the cache.
      daemon.awaitReport(
          r -> "fail".equals(RunningDaemon.status(r, "rbac.job-launcher")), Duration.ofSeconds(3));
      System.out.printf("Role edited to report: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Each result's rule, status, subject and message, in order. */
  private static List<String> findings(JsonNode report) {
    List<String> found = new ArrayList<>();
    for (JsonNode result : report.path("results")) {
      found.add(
          result.path("rule").asText()
              + " "
              + result.path("status").asText()
              + " "
              + result.path("subject")
              + " "
              + result.path("message").asText());
    }
    return found;
  }

  /** Every informer watching, and the Secrets of the example's namespace held. */
  static void awaitCachesReady(RunningDaemon daemon) {
    daemon.awaitWatching(WAIT);
    Waits.await("the Secrets' caches")
        .atMost(WAIT)
        .until(
            () ->
                !daemon.app.watcher().secrets("airbyte").isEmpty()
                    || !daemon.app.watcher().secrets("airbyte-abctl").isEmpty());
  }

  private static void awaitRunAfter(RunningDaemon daemon, Instant mark) {
    Waits.await("a run after " + mark)
        .atMost(WAIT)
        .until(
            () -> {
              Instant last = daemon.app.daemon().state().lastSuccessAt();
              return last != null && last.isAfter(mark);
            });
  }
}
