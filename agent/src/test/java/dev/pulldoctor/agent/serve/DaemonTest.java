package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.ManualScheduler;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When the daemon runs, and what it keeps when a run fails. */
class DaemonTest {
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

  /** A daemon on a scheduler the test drives: nothing runs until the test moves the clock. */
  private static Daemon daemon(FakeRun run, Schedule schedule, ManualScheduler scheduler) {
    return new Daemon(run, schedule, scheduler.clock(), scheduler, scheduler::nanoTime);
  }

  @Test
  void runs_at_start_then_a_burst_of_changes_makes_one_run() {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ZERO, Duration.ofSeconds(1));
    List<RunRecord> records = new ArrayList<>();
    ManualScheduler scheduler = new ManualScheduler();
    try (Daemon daemon = daemon(run, schedule, scheduler)) {
      daemon.addListener(records::add);
      daemon.start();
      scheduler.runDue();
      assertThat(records).extracting(RunRecord::trigger).containsExactly(RunTrigger.START);
      assertThat(daemon.state().ready(scheduler.clock().instant())).isTrue();

      for (int i = 0; i < 20; i++) {
        daemon.changed("Secret airbyte/regcred changed");
        scheduler.advance(Duration.ofMillis(10));
      }
      // the debounce counts from the first change of the burst; later ones join its run
      scheduler.advance(Duration.ofMillis(99));
      assertThat(run.runs).hasValue(1);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(run.runs).hasValue(2);
      assertThat(records.get(1).trigger()).isEqualTo(RunTrigger.CHANGE);
      scheduler.advance(Duration.ofMinutes(9));
      assertThat(run.runs).as("one run for the burst, then none until the interval").hasValue(2);

      daemon.requestRun();
      scheduler.runDue();
      assertThat(records).hasSize(3);
      assertThat(records.get(2).trigger()).isEqualTo(RunTrigger.API);

      scheduler.advance(Duration.ofMinutes(10).minusMillis(1));
      assertThat(records).hasSize(3);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(records).hasSize(4);
      assertThat(records.get(3).trigger()).isEqualTo(RunTrigger.SCHEDULE);
    }
  }

  @Test
  void a_change_soon_after_a_run_waits_for_the_minimum_gap() {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10),
            Duration.ofMillis(10),
            Duration.ofMillis(800),
            Duration.ofSeconds(1));
    List<RunRecord> records = new ArrayList<>();
    ManualScheduler scheduler = new ManualScheduler();
    try (Daemon daemon = daemon(run, schedule, scheduler)) {
      daemon.addListener(records::add);
      daemon.start();
      scheduler.runDue();
      assertThat(records).hasSize(1);

      scheduler.advance(Duration.ofMillis(300));
      daemon.changed("Deployment airbyte/airbyte-workload-launcher changed");
      // 800 ms after the end of the last run, not 10 ms (the debounce) after the change
      scheduler.advance(Duration.ofMillis(499));
      assertThat(records).hasSize(1);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(records).hasSize(2);
      assertThat(records.get(1).trigger()).isEqualTo(RunTrigger.CHANGE);

      // long after the last run, a change waits the debounce only
      scheduler.advance(Duration.ofSeconds(5));
      daemon.changed("Secret airbyte/regcred changed");
      scheduler.advance(Duration.ofMillis(9));
      assertThat(records).hasSize(2);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(records).hasSize(3);
    }
  }

  @Test
  void failed_runs_keep_the_last_report_mark_it_stale_and_retry_sooner() {
    FakeRun run = new FakeRun();
    Schedule schedule =
        new Schedule(
            Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ZERO, Duration.ofMillis(100));
    List<RunRecord> records = new ArrayList<>();
    ManualScheduler scheduler = new ManualScheduler();
    try (Daemon daemon = daemon(run, schedule, scheduler)) {
      daemon.addListener(records::add);
      daemon.addListener(
          r -> {
            throw new IllegalStateException("a broken listener does not stop the daemon");
          });
      daemon.start();
      scheduler.runDue();
      assertThat(records).hasSize(1);

      run.mode.set("500");
      daemon.requestRun();
      scheduler.runDue();
      assertThat(records).hasSize(2);
      assertThat(records.get(1).outcome()).isEqualTo(RunOutcome.ERROR);
      // the retry comes after the first retry delay, not after the 10-minute interval
      scheduler.advance(Duration.ofMillis(99));
      assertThat(records).hasSize(2);
      scheduler.advance(Duration.ofMillis(1));
      assertThat(records).hasSize(3);
      assertThat(records.get(2).trigger()).isEqualTo(RunTrigger.RETRY);
      DaemonState failing = daemon.state();
      assertThat(failing.report()).isSameAs(report);
      assertThat(failing.stale(scheduler.clock().instant())).isTrue();
      assertThat(failing.lastError())
          .isEqualTo("the Kubernetes API answered with server errors: list pods 500");
      assertThat(failing.consecutiveFailures()).isEqualTo(2);

      run.mode.set("unreachable");
      scheduler.advance(Duration.ofMillis(200)); // the delay doubles
      assertThat(records).hasSize(4);
      assertThat(daemon.state().lastError()).isEqualTo("cannot reach the API");
      run.mode.set("crash");
      scheduler.advance(Duration.ofMillis(400));
      assertThat(records).hasSize(5);
      assertThat(daemon.state().lastError()).isEqualTo("internal error IllegalStateException");

      run.mode.set("ok");
      scheduler.advance(Duration.ofMillis(800));
      assertThat(records).hasSize(6);
      assertThat(records.get(5).outcome()).isEqualTo(RunOutcome.SUCCESS);
      assertThat(daemon.state().ready(scheduler.clock().instant())).isTrue();
      assertThat(daemon.state().consecutiveFailures()).isZero();
      assertThat(daemon.alive()).isTrue();
      // back to the interval
      assertThat(scheduler.untilNext()).isEqualTo(Duration.ofMinutes(10));
    }
  }

  @Test
  void close_stops_planned_runs() {
    FakeRun run = new FakeRun();
    ManualScheduler scheduler = new ManualScheduler();
    Daemon daemon = daemon(run, Schedule.every(Duration.ofMillis(50)), scheduler);
    daemon.start();
    scheduler.runDue();
    scheduler.advance(Duration.ofMillis(50));
    assertThat(run.runs).hasValue(2);
    daemon.close();
    assertThat(scheduler.pending()).isZero();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(run.runs).hasValue(2);
    assertThat(daemon.alive()).isFalse();
    daemon.changed("ignored after close");
    daemon.requestRun();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void runs_on_its_own_thread_until_closed() {
    FakeRun run = new FakeRun();
    List<String> threads = new CopyOnWriteArrayList<>();
    Daemon daemon = new Daemon(run, Schedule.every(Duration.ofMinutes(10)), Clock.systemUTC());
    daemon.addListener(r -> threads.add(Thread.currentThread().getName()));
    daemon.start();
    Waits.await("the first run").until(() -> !threads.isEmpty());
    assertThat(threads).containsExactly("pulldoctor-run");
    assertThat(daemon.alive()).isTrue();
    daemon.close();
    assertThat(daemon.alive()).isFalse();
    daemon.requestRun();
    assertThat(run.runs).hasValue(1);
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
}
