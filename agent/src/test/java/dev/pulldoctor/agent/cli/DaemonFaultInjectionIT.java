package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.serve.Schedule;
import dev.pulldoctor.agent.testsupport.OwnedThreads;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pulldoctor serve} against a Kubernetes API that misbehaves (issue 10, fault injection):
 * the daemon stays up and keeps serving, {@code /readyz} says what is wrong, and it recovers by
 * itself, without a restart, within 35 s of the API answering again. After 20 outages it holds no
 * more threads and no more heap than after the first (both printed).
 *
 * <p>The daemon reaches the mock API through a {@link FlakyProxy} with fabric8's timeouts set short
 * ({@link FaultyCluster#SHORT_TIMEOUTS}); the schedule retries after 300 ms.
 */
class DaemonFaultInjectionIT {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final Duration RECOVERY = Duration.ofSeconds(35);

  @TempDir Path dir;
  private FaultyCluster cluster;
  private KubeClients.Connection connection;
  // The daemon and its client are made on a thread group of their own: only their threads count.
  private final OwnedThreads daemonThreads = new OwnedThreads("daemon-under-test");

  @BeforeEach
  void start() throws Exception {
    cluster = FaultyCluster.start(dir, "healthy-private-registry");
    connection = daemonThreads.create(cluster::connect);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private RunningDaemon daemon(Schedule schedule) throws Exception {
    return daemonThreads.create(
        () -> RunningDaemon.start(connection, dir, schedule, List.of(), "airbyte", null));
  }

  @Test
  void an_api_that_disappears_and_comes_back_is_survived_and_recovered_from() throws Exception {
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatching(WAIT);

      cluster.proxy.mode(FlakyProxy.Mode.DOWN);
      awaitOutageSeen(daemon);
      assertThat(daemon.get("/readyz").body())
          .contains("not ready: the last run failed: cannot reach the Kubernetes API");
      assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(daemon.get("/metrics").body()).contains("pulldoctor_report_stale 1.0");
      assertThat(daemon.report().path("results").size()).as("last report kept").isPositive();

      Duration recovered = recover(daemon);
      System.out.printf("API back: ready again after %d ms%n", recovered.toMillis());
    }
  }

  @Test
  void an_api_that_stops_answering_fails_runs_within_the_timeout_then_recovers() throws Exception {
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);

      cluster.proxy.mode(FlakyProxy.Mode.SILENT);
      awaitOutageSeen(daemon);
      assertThat(daemon.get("/readyz").body()).contains("timed out");
      assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);

      recover(daemon);
    }
  }

  @Test
  void answers_that_stop_halfway_fail_runs_within_the_limit_then_recover() throws Exception {
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);

      cluster.proxy.mode(FlakyProxy.Mode.STALL);
      awaitOutageSeen(daemon);
      assertThat(daemon.get("/readyz").body()).contains("no complete answer within 8 s");
      assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);

      recover(daemon);
    }
  }

  @Test
  void throttling_and_a_forbidden_kind_are_reported_not_fatal() throws Exception {
    AtomicBoolean throttle = new AtomicBoolean();
    cluster.api.fault(
        request -> {
          if (MockApi.isList(request, "/serviceaccounts")) {
            return MockApi.json(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}");
          }
          if (throttle.get() && MockApi.isList(request, "/pods")) {
            return MockApi.json(429, "{\"kind\":\"Status\",\"code\":429}")
                .setHeader("Retry-After", "1");
          }
          String path = request.getPath() == null ? "" : request.getPath();
          if (throttle.get() && path.contains("/pods?") && path.contains("watch=true")) {
            // Runs read pods from the informer: only a relist meets the throttled LIST.
            return new MockResponse().withWebSocketUpgrade(new ExpiredWatch());
          }
          return null;
        });
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      // A 403 on one kind is a finding of the run, not a failed run.
      daemon.awaitReady(200, WAIT);
      assertThat(daemon.report().toString()).contains("403 Forbidden; grant 'list' on");
      daemon.awaitWatchingAllBut(1, WAIT);

      throttle.set(true);
      // The pods watch resumes into 410 Gone, its informer's relist is throttled, so the runs
      // list pods themselves, and are throttled too.
      cluster.proxy.cutAll();
      awaitOutageSeen(daemon);
      assertThat(daemon.get("/readyz").body())
          .contains("the Kubernetes API answered with server errors: list pods 429");

      throttle.set(false);
      daemon.awaitReady(200, RECOVERY);
    }
  }

  @Test
  void watches_cut_mid_stream_are_re_established() throws Exception {
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      // Mid-stream: on watches open for a second. Cut within milliseconds of opening, some of
      // fabric8 7.9's JDK WebSockets never noticed (twice in five cold, loaded runs; none in
      // three with this pause); docs/reliability.md says what covers for that.
      daemon.awaitWatchingFor(Duration.ofSeconds(1), WAIT);

      long watchesBefore = cluster.api.requestCounts().getOrDefault("GET watch", 0L);
      cluster.proxy.cutAll(); // every watch is cut mid-stream
      Waits.await("the five watches re-opened")
          .atMost(WAIT)
          .until(
              () -> cluster.api.requestCounts().getOrDefault("GET watch", 0L) >= watchesBefore + 5);
      daemon.awaitWatching(WAIT);

      // The watches work again: a changed pull secret triggers a run within seconds.
      String generated = daemon.report().path("generatedAt").asText();
      Secret regcred =
          cluster.api.client.secrets().inNamespace("airbyte").withName("regcred").get();
      regcred.getMetadata().setLabels(Map.of("touched", "yes"));
      cluster.api.client.resource(regcred).update();
      daemon.awaitReport(
          r -> !r.path("generatedAt").asText().equals(generated), Duration.ofSeconds(15));
    }
  }

  @Test
  void watches_kept_down_make_readyz_name_them_within_10_s_and_are_re_opened() throws Exception {
    // Lists work, every new watch is refused: runs succeed, but changes would go unseen.
    AtomicBoolean refuseWatches = new AtomicBoolean();
    cluster.api.fault(
        request -> {
          String path = request.getPath() == null ? "" : request.getPath();
          return refuseWatches.get() && path.contains("watch=true")
              ? MockApi.json(500, "{\"kind\":\"Status\",\"code\":500}")
              : null;
        });
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatchingFor(Duration.ofSeconds(1), WAIT);
      long restartsBefore = watchRestarts(daemon, "Secret");

      refuseWatches.set(true);
      cluster.proxy.cutAll();
      daemon.awaitReady(503, Duration.ofSeconds(10));
      assertThat(daemon.get("/readyz").body())
          .contains("not ready: not watching", "Secret airbyte/regcred");
      assertThat(daemon.get("/healthz").statusCode()).isEqualTo(200);

      refuseWatches.set(false);
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatching(WAIT);
      assertThat(watchRestarts(daemon, "Secret"))
          .as("pulldoctor_watch_restarts_total{resource=\"Secret\"}")
          .isGreaterThan(restartsBefore);

      // Change-triggered runs happen again.
      daemon.awaitWatchingFor(Duration.ofSeconds(1), WAIT);
      String generated = daemon.report().path("generatedAt").asText();
      Secret regcred =
          cluster.api.client.secrets().inNamespace("airbyte").withName("regcred").get();
      regcred.getMetadata().setLabels(Map.of("touched", "after-watch-outage"));
      cluster.api.client.resource(regcred).update();
      daemon.awaitReport(
          r -> !r.path("generatedAt").asText().equals(generated), Duration.ofSeconds(15));
    }
  }

  private static long watchRestarts(RunningDaemon daemon, String resource) {
    String prefix = "pulldoctor_watch_restarts_total{resource=\"" + resource + "\"} ";
    return daemon
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(prefix.length())))
        .findFirst()
        .orElse(-1);
  }

  @Test
  void a_watch_expired_with_410_gone_is_re_listed_and_watched_again() throws Exception {
    // The API server ends a watch whose resourceVersion it no longer keeps with an ERROR event
    // carrying 410 Gone; the informer must list again, not re-watch from the stale version.
    AtomicBoolean expireNextSecretWatch = new AtomicBoolean(true);
    AtomicLong secretRelists = new AtomicLong();
    cluster.api.fault(
        request -> {
          String path = request.getPath() == null ? "" : request.getPath();
          boolean informer = path.contains("fieldSelector=");
          if (informer && MockApi.isList(request, "/secrets")) {
            secretRelists.incrementAndGet();
          }
          if (informer
              && path.contains("/secrets?")
              && path.contains("watch=true")
              && expireNextSecretWatch.getAndSet(false)) {
            return new MockResponse().withWebSocketUpgrade(new ExpiredWatch());
          }
          return null;
        });
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatching(WAIT);
      Waits.await("the secret's informer listed again after 410 Gone")
          .atMost(WAIT)
          .until(() -> secretRelists.get() >= 2);
      assertThat(expireNextSecretWatch).as("the expired watch was opened").isFalse();
      daemon.awaitWatching(WAIT);

      // Still watching: a changed pull secret triggers a run within seconds.
      String generated = daemon.report().path("generatedAt").asText();
      Secret regcred =
          cluster.api.client.secrets().inNamespace("airbyte").withName("regcred").get();
      regcred.getMetadata().setLabels(Map.of("touched", "after-410"));
      cluster.api.client.resource(regcred).update();
      daemon.awaitReport(
          r -> !r.path("generatedAt").asText().equals(generated), Duration.ofSeconds(15));
    }
  }

  /** What an API server sends on a watch from a resourceVersion it has compacted away. */
  private static final class ExpiredWatch extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      webSocket.send(
          "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource"
              + " version: 2 (1042)\",\"reason\":\"Expired\",\"code\":410}}");
      webSocket.close(1000, "");
    }
  }

  @Test
  void a_long_outage_is_recovered_from_within_35_seconds() throws Exception {
    // Production-like backoff: the first retry after 1 s, doubling; the interval is long.
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ZERO, Duration.ofSeconds(1));
    try (RunningDaemon daemon = daemon(schedule)) {
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatching(WAIT);
      cluster.proxy.mode(FlakyProxy.Mode.DOWN);
      awaitOutageSeen(daemon);
      // 1+2+4+8+16 s of retries: an uncapped backoff would wait 32 s, then 64 s, for the next
      Waits.await("not ready through a 40 s outage")
          .during(Duration.ofSeconds(40))
          .atMost(Duration.ofSeconds(50))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> daemon.get("/readyz").statusCode() == 503);

      Duration recovered = recover(daemon);
      System.out.printf(
          "after a 40 s outage: ready again %d ms after the API returned%n", recovered.toMillis());
    }
  }

  @Test
  void twenty_outages_leak_neither_threads_nor_heap() throws Exception {
    try (RunningDaemon daemon = daemon(RunningDaemon.quick(Duration.ofMinutes(10)))) {
      daemon.awaitReady(200, WAIT);
      daemon.awaitWatching(WAIT);
      int[] threads = new int[21];
      long[] heap = new long[21];
      long started = System.nanoTime();
      for (int cycle = 1; cycle <= 20; cycle++) {
        cluster.proxy.mode(cycle % 2 == 0 ? FlakyProxy.Mode.SILENT : FlakyProxy.Mode.DOWN);
        awaitOutageSeen(daemon);
        recoverNow(daemon);
        daemon.awaitWatching(WAIT);
        if (cycle == 1 || cycle == 10 || cycle == 20) {
          settle();
          threads[cycle] = fewestThreads(daemonThreads);
          heap[cycle] = heapAfterGc();
          System.out.printf(
              "outage cycle %2d: %d live threads of the daemon, heap after GC %.1f MiB%n",
              cycle, threads[cycle], heap[cycle] / (1024.0 * 1024.0));
          // Which threads, by name without their numbers, so that a failure says what grew.
          Map<String, Long> names =
              daemonThreads.threads().stream()
                  .map(t -> t.getName().replaceAll("\\d+", "N"))
                  .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
          System.out.println("threads by name: " + names);
        }
      }
      System.out.printf(
          "20 outage cycles in %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
      // A leak grows with every cycle; compare the second ten cycles, after the pools and the
      // watches have warmed up. Only the daemon's and its client's threads count (OwnedThreads).
      // Pool threads still idling make the count move: the client's pools keep idle threads for a
      // while, and the count is taken 2 s after the last outage. Seen
      // (threads by name, printed above): its pool at 15, 16, 19 over cycles 1, 10, 20, and +6
      // and +7 between cycles 10 and 20 in two runs of the same code that passed in others. A leak
      // of one thread per outage adds 10.
      assertThat(threads[20])
          .as("the daemon's live threads after 20 outages, against cycle 10")
          .isLessThanOrEqualTo(threads[10] + 8);
      assertThat(heap[20])
          .as("heap after GC after 20 outages, against cycle 10")
          .isLessThan(heap[10] + 16L * 1024 * 1024);
    }
  }

  /**
   * Asks for runs until one sees the outage and {@code /readyz} says so. One request is not enough:
   * a run that started just before the proxy cut its connections can still succeed.
   */
  private static void awaitOutageSeen(RunningDaemon daemon) {
    Waits.await("/readyz 503 and the report stale")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              // A failed run: watches down make /readyz 503 too, before the next run has failed.
              boolean seen =
                  daemon.get("/readyz").statusCode() == 503
                      && daemon.report().path("daemon").path("stale").asBoolean();
              if (!seen) {
                daemon.app.daemon().requestRun();
              }
              return seen;
            });
  }

  /**
   * Lets the API answer again and asks for a run at once. The leak test is about threads and heap,
   * not recovery time (measured above): without the request, the retry backoff grown over a cycle
   * decides how long each cycle waits.
   */
  private void recoverNow(RunningDaemon daemon) throws Exception {
    cluster.proxy.mode(FlakyProxy.Mode.UP);
    daemon.app.daemon().requestRun();
    daemon.awaitReady(200, WAIT);
  }

  /** Lets the API answer again; returns how long {@code /readyz} took to say ready. */
  private Duration recover(RunningDaemon daemon) throws Exception {
    cluster.proxy.mode(FlakyProxy.Mode.UP);
    long back = System.nanoTime();
    daemon.awaitReady(200, RECOVERY);
    Duration took = Duration.ofNanos(System.nanoTime() - back);
    JsonNode report = daemon.report();
    assertThat(report.path("daemon").path("stale").asBoolean()).isFalse();
    return took;
  }

  /**
   * The fewest live threads of the daemon over 3 s: a pool thread finishing its task or an informer
   * reconnecting makes the count move for a moment; a leaked thread stays.
   */
  private static int fewestThreads(OwnedThreads daemonThreads) throws InterruptedException {
    int fewest = Integer.MAX_VALUE;
    for (int i = 0; i < 7; i++) {
      fewest = Math.min(fewest, daemonThreads.alive());
      Thread.sleep(500);
    }
    return fewest;
  }

  /** Idle pool threads time out and informers finish reconnecting before counting. */
  private static void settle() throws InterruptedException {
    Thread.sleep(2_000);
  }

  private static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
