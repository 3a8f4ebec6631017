package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When the daemon runs, and what it keeps when a run fails. */
class DaemonTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Report report;

  /** A diagnosis whose outcome the test sets: a report, server errors, or an unreachable API. */
  private static final class FakeRun implements DiagnosisRun {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicReference<String> mode = new AtomicReference<>("ok");

    @Override
    public Diagnosed run() throws ClusterUnreachableException {
      runs.incrementAndGet();
      return switch (mode.get()) {
        case "unreachable" -> throw new ClusterUnreachableException("cannot reach the API");
        case "500" ->
            new Diagnosed(
                report,
                List.of(new CollectionError("pods", "", "airbyte", "list", 500, "HTTP 500")));
        case "crash" -> throw new IllegalStateException("boom");
        default -> new Diagnosed(report, List.of());
      };
    }
  }

  @BeforeAll
  static void aReport() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    report =
        new RuleEngine(Rules.all())
            .run(
                Diagnosis.of(snapshot, snapshot.capturedAt(), true, List.of()),
                snapshot.capturedAt());
  }

  @Test
  void runs_at_start_then_a_burst_of_changes_makes_one_run() throws Exception {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ZERO, Duration.ofSeconds(1));
    List<RunRecord> records = new CopyOnWriteArrayList<>();
    try (Daemon daemon = new Daemon(run, schedule, Clock.systemUTC())) {
      daemon.addListener(records::add);
      daemon.start();
      await(() -> records.size() == 1);
      assertThat(records.get(0).trigger()).isEqualTo(RunTrigger.START);
      assertThat(daemon.state().ready(Clock.systemUTC().instant())).isTrue();

      for (int i = 0; i < 20; i++) {
        daemon.changed("Secret airbyte/regcred changed");
      }
      await(() -> records.size() == 2);
      Thread.sleep(600);
      assertThat(run.runs).hasValue(2);
      assertThat(records.get(1).trigger()).isEqualTo(RunTrigger.CHANGE);

      daemon.requestRun();
      await(() -> records.size() == 3);
      assertThat(records.get(2).trigger()).isEqualTo(RunTrigger.API);
    }
  }

  @Test
  void a_change_soon_after_a_run_waits_for_the_minimum_gap() throws Exception {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10),
            Duration.ofMillis(10),
            Duration.ofMillis(800),
            Duration.ofSeconds(1));
    List<RunRecord> records = new CopyOnWriteArrayList<>();
    try (Daemon daemon = new Daemon(run, schedule, Clock.systemUTC())) {
      daemon.addListener(records::add);
      daemon.start();
      await(() -> records.size() == 1);
      long changed = System.nanoTime();
      daemon.changed("Deployment airbyte/airbyte-workload-launcher changed");
      await(() -> records.size() == 2);
      assertThat(Duration.ofNanos(System.nanoTime() - changed))
          .isGreaterThan(Duration.ofMillis(500));
    }
  }

  @Test
  void failed_runs_keep_the_last_report_mark_it_stale_and_retry_sooner() throws Exception {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ZERO, Duration.ofMillis(100));
    List<RunRecord> records = new CopyOnWriteArrayList<>();
    try (Daemon daemon = new Daemon(run, schedule, Clock.systemUTC())) {
      daemon.addListener(records::add);
      daemon.addListener(
          r -> {
            throw new IllegalStateException("a broken listener does not stop the daemon");
          });
      daemon.start();
      await(() -> records.size() == 1);

      run.mode.set("500");
      daemon.requestRun();
      await(() -> records.size() >= 3); // the failed run, then a retry without waiting 10 minutes
      DaemonState failing = daemon.state();
      assertThat(failing.report()).isSameAs(report);
      assertThat(failing.stale(Clock.systemUTC().instant())).isTrue();
      assertThat(failing.lastError())
          .isEqualTo("the Kubernetes API answered with server errors: list pods 500");
      assertThat(records.get(1).outcome()).isEqualTo(RunOutcome.ERROR);
      assertThat(records.get(2).trigger()).isEqualTo(RunTrigger.RETRY);

      run.mode.set("unreachable");
      await(() -> "cannot reach the API".equals(daemon.state().lastError()));
      run.mode.set("crash");
      await(() -> "internal error IllegalStateException".equals(daemon.state().lastError()));

      run.mode.set("ok");
      await(() -> daemon.state().ready(Clock.systemUTC().instant()));
      assertThat(daemon.state().consecutiveFailures()).isZero();
      assertThat(daemon.alive()).isTrue();
    }
  }

  @Test
  void close_stops_planned_runs() throws Exception {
    FakeRun run = new FakeRun();
    Daemon daemon = new Daemon(run, Schedule.every(Duration.ofMillis(50)), Clock.systemUTC());
    daemon.start();
    await(() -> run.runs.get() >= 1);
    daemon.close();
    int after = run.runs.get();
    Thread.sleep(300);
    assertThat(run.runs.get()).isEqualTo(after);
    assertThat(daemon.alive()).isFalse();
    daemon.changed("ignored after close");
  }

  @Test
  void retries_back_off_up_to_30_seconds_or_the_interval() {
    Schedule schedule = Schedule.every(Duration.ofMinutes(5));
    assertThat(schedule.retryAfter(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(schedule.retryAfter(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(schedule.retryAfter(3)).isEqualTo(Duration.ofSeconds(20));
    // never longer, so the daemon is ready again within 35 s of the API server's return
    assertThat(schedule.retryAfter(4)).isEqualTo(Duration.ofSeconds(30));
    assertThat(schedule.retryAfter(50)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Schedule.every(Duration.ofSeconds(15)).retryAfter(3))
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void a_report_older_than_two_intervals_is_stale() {
    java.time.Instant at = java.time.Instant.parse("2026-11-23T12:00:00Z");
    DaemonState state = DaemonState.initial(Duration.ofMinutes(5));
    assertThat(state.stale(at)).isTrue();
    DaemonState fresh = state.succeeded(report, at);
    assertThat(fresh.ready(at.plus(Duration.ofMinutes(10)))).isTrue();
    assertThat(fresh.stale(at.plus(Duration.ofMinutes(12)))).isTrue();
    assertThat(fresh.failed("down", at.plusSeconds(1)).stale(at.plusSeconds(2))).isTrue();
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
