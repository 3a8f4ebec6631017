package dev.pulldoctor.agent.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledExecutorService} over a clock that only moves when the test says so: nothing
 * runs until {@link #advance} or {@link #runDue}, and then the due tasks run on the calling thread,
 * in the order of their due times (ties in the order they were scheduled), each with the clock set
 * to its due time. Tasks scheduled by a running task run in the same call if they fall due within
 * it.
 *
 * <p>Like the daemon's own executor, {@link #shutdown()} drops the tasks not yet run and a
 * cancelled task leaves the queue. Periodic scheduling is not supported: nothing here needs it.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final Object lock = new Object();
  // Guarded by lock.
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;
  private boolean shutdown;
  private int running;

  private final Instant epoch;
  private final Clock clock;

  /** Starts at {@code start}; the clock reads {@code start} plus the time advanced since. */
  public ManualScheduler(Instant start) {
    this.epoch = start;
    this.clock = new ManualClock(ZoneOffset.UTC);
  }

  public ManualScheduler() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** The clock this scheduler moves. */
  public Clock clock() {
    return clock;
  }

  /** A ticker for code that times itself with {@code System.nanoTime()}. */
  public long nanoTime() {
    synchronized (lock) {
      return nowNanos;
    }
  }

  /** Runs the tasks due now, without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves the clock by {@code by}, running every task that falls due on the way. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + by);
    }
    long target;
    synchronized (lock) {
      target = nowNanos + by.toNanos();
    }
    while (true) {
      Task<?> next;
      synchronized (lock) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = next.dueNanos;
        running++;
      }
      try {
        next.run();
      } finally {
        synchronized (lock) {
          running--;
        }
      }
    }
  }

  /** The tasks waiting to run (not cancelled, not run yet). */
  public int pending() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** How long until the next task is due; null when none waits. */
  public @Nullable Duration untilNext() {
    synchronized (lock) {
      Task<?> next = queue.peek();
      return next == null ? null : Duration.ofNanos(next.dueNanos - nowNanos);
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(Executors.callable(command, null), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(callable, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks");
  }

  @Override
  public void execute(Runnable command) {
    // failures surface from advance(), where the task runs
    ScheduledFuture<?> unused = schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  private <V> Task<V> enqueue(Callable<V> callable, long delay, TimeUnit unit) {
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("shut down");
      }
      Task<V> task = new Task<>(callable, nowNanos + Math.max(0, unit.toNanos(delay)), sequence++);
      queue.add(task);
      return task;
    }
  }

  @Override
  public void shutdown() {
    shutdownNow();
  }

  @Override
  public List<Runnable> shutdownNow() {
    synchronized (lock) {
      shutdown = true;
      List<Runnable> dropped = new ArrayList<>(queue);
      queue.clear();
      return dropped;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && running == 0;
    }
  }

  /** Nothing runs unless a test thread runs it: true when terminated, at once. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    final long dueNanos;
    final long order;

    Task(Callable<V> callable, long dueNanos, long order) {
      super(callable);
      this.dueNanos = dueNanos;
      this.order = order;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> that = (Task<?>) other;
      int byDue = Long.compare(dueNanos, that.dueNanos);
      return byDue != 0 ? byDue : Long.compare(order, that.order);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        synchronized (lock) {
          queue.remove(this);
        }
      }
      return cancelled;
    }

    @Override
    protected void done() {
      // Surface failures: a task that throws fails the test that advanced the clock.
      if (!isCancelled()) {
        try {
          get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a scheduled task failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private final class ManualClock extends Clock {
    private final ZoneId zone;

    ManualClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
      return new ManualClock(other);
    }

    @Override
    public Instant instant() {
      return epoch.plusNanos(nanoTime());
    }
  }
}
