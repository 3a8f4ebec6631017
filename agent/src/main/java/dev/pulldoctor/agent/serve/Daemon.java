package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the diagnosis at start, every interval, soon after a watched object changes (debounced), on
 * request, and sooner after a failure. Runs happen one at a time on one thread; the previous report
 * stays available while a run is in progress and when a run fails.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Daemon.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

  private final DiagnosisRun diagnosis;
  private final Schedule schedule;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService executor;
  // Replaced whole under the lock of this field's updates; read without one.
  private volatile DaemonState state;
  private final Object stateLock = new Object();
  private final List<Consumer<RunRecord>> listeners = new CopyOnWriteArrayList<>();
  private volatile @Nullable Thread runThread;

  // Guarded by this: the one planned run, if any.
  private @Nullable ScheduledFuture<?> planned;
  private @Nullable Instant plannedAt;
  private @Nullable Instant lastRunEnd;

  /** A daemon that runs diagnoses on its own thread, {@code pulldoctor-run}. */
  public Daemon(DiagnosisRun diagnosis, Schedule schedule, Clock clock) {
    this(diagnosis, schedule, clock, null, System::nanoTime);
  }

  /**
   * A daemon that plans its runs on {@code executor} and times them with {@code nanoTime}; tests
   * pass a scheduler and a ticker they drive by hand. Null: the daemon's own run thread, as above.
   * The daemon owns the executor ({@link #close()} shuts it down), which must drop planned runs at
   * shutdown as the daemon's own does.
   */
  Daemon(
      DiagnosisRun diagnosis,
      Schedule schedule,
      Clock clock,
      @Nullable ScheduledExecutorService executor,
      LongSupplier nanoTime) {
    this.diagnosis = diagnosis;
    this.schedule = schedule;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.state = DaemonState.initial(schedule.interval());
    this.executor = executor != null ? executor : runThreadExecutor();
  }

  private ScheduledExecutorService runThreadExecutor() {
    ScheduledThreadPoolExecutor own =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "pulldoctor-run");
              thread.setDaemon(true);
              runThread = thread;
              return thread;
            });
    // Planned runs are dropped at shutdown; the one in progress finishes.
    own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    own.setRemoveOnCancelPolicy(true);
    return own;
  }

  /** Called after every run, on the run thread; must be quick and must not throw. */
  public void addListener(Consumer<RunRecord> listener) {
    listeners.add(listener);
  }

  /** Plans the first run, at once. */
  public void start() {
    plan(Duration.ZERO, RunTrigger.START);
  }

  public DaemonState state() {
    return state;
  }

  private DaemonState update(UnaryOperator<DaemonState> change) {
    synchronized (stateLock) {
      state = change.apply(state);
      return state;
    }
  }

  public Schedule schedule() {
    return schedule;
  }

  /** Whether the run thread can still run diagnoses (for {@code /healthz}). */
  public boolean alive() {
    Thread thread = runThread;
    return !executor.isShutdown() && (thread == null || thread.isAlive());
  }

  /**
   * A watched object changed: plan a run after the debounce delay, and not sooner than {@code
   * minGap} after the last run ended. Changes arriving before that run starts join it.
   */
  public void changed(String what) {
    logger.debug("change: {}", what);
    Duration delay = schedule.debounce();
    synchronized (this) {
      if (lastRunEnd != null) {
        Duration sinceLast = Duration.between(lastRunEnd, clock.instant());
        Duration gapLeft = schedule.minGap().minus(sinceLast);
        if (gapLeft.compareTo(delay) > 0) {
          delay = gapLeft;
        }
      }
    }
    plan(delay, RunTrigger.CHANGE);
  }

  /** Plans a run as soon as the run thread is free ({@code POST /api/v1/run}). */
  public void requestRun() {
    plan(Duration.ZERO, RunTrigger.API);
  }

  private synchronized void plan(Duration delay, RunTrigger trigger) {
    if (executor.isShutdown()) {
      return;
    }
    Instant at = clock.instant().plus(delay);
    if (planned != null && plannedAt != null && !planned.isDone() && !plannedAt.isAfter(at)) {
      return; // an earlier run is planned already; this request joins it
    }
    if (planned != null) {
      planned.cancel(false);
    }
    plannedAt = at;
    planned = executor.schedule(() -> runNow(trigger), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runNow(RunTrigger trigger) {
    synchronized (this) {
      planned = null;
      plannedAt = null;
    }
    Instant started = clock.instant();
    long startNanos = nanoTime.getAsLong();
    update(s -> s.withRunning(true));
    RunRecord record;
    try {
      Diagnosed diagnosed = diagnosis.run();
      Instant ended = clock.instant();
      Duration took = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
      if (diagnosed.serverErrors().isEmpty()) {
        update(s -> s.succeeded(diagnosed.report(), ended));
        record =
            new RunRecord(trigger, RunOutcome.SUCCESS, started, took, diagnosed.report(), null);
        logger.info(
            "run ({}) done in {} ms: {}",
            trigger.word(),
            took.toMillis(),
            diagnosed.report().summary());
      } else {
        String error =
            "the Kubernetes API answered with server errors: "
                + diagnosed.serverErrors().stream()
                    .map(e -> e.verb() + " " + e.resource() + " " + e.httpStatus())
                    .distinct()
                    .collect(Collectors.joining(", "));
        record = failed(trigger, started, startNanos, error);
      }
    } catch (ClusterUnreachableException e) {
      record = failed(trigger, started, startNanos, e.getMessage());
    } catch (RuntimeException e) {
      // No message: exception text can quote cluster input.
      logger.error("run failed with internal error {}", e.getClass().getName());
      record =
          failed(trigger, started, startNanos, "internal error " + e.getClass().getSimpleName());
    }
    synchronized (this) {
      lastRunEnd = clock.instant();
    }
    for (Consumer<RunRecord> listener : listeners) {
      try {
        listener.accept(record);
      } catch (RuntimeException e) {
        logger.error("run listener failed: {}", e.getClass().getName());
      }
    }
    DaemonState now = state;
    if (record.outcome() == RunOutcome.SUCCESS) {
      plan(schedule.interval(), RunTrigger.SCHEDULE);
    } else {
      plan(schedule.retryAfter(now.consecutiveFailures()), RunTrigger.RETRY);
    }
  }

  private RunRecord failed(
      RunTrigger trigger, Instant started, long startNanos, @Nullable String message) {
    String error = message == null ? "the run failed" : message;
    Instant ended = clock.instant();
    DaemonState now = update(s -> s.failed(error, ended));
    logger.warn(
        "run ({}) failed ({} in a row); keeping the report of {}: {}",
        trigger.word(),
        now.consecutiveFailures(),
        now.lastSuccessAt() == null ? "no earlier run" : now.lastSuccessAt(),
        error);
    return new RunRecord(
        trigger,
        RunOutcome.ERROR,
        started,
        Duration.ofNanos(nanoTime.getAsLong() - startNanos),
        null,
        error);
  }

  /** Stops planning runs and waits for the one in progress, up to ten seconds. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
