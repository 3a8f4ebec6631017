package dev.pulldoctor.agent.probe;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Closes a request's socket when the request's deadline passes, whatever the reading code is doing
 * at that moment. A deadline checked by the reader itself is only as good as the reader's loop: a
 * registry that keeps a byte waiting (endless 1xx answers, huge chunk extensions) never lets such a
 * check run; a closed socket ends every read.
 */
final class RequestWatchdog implements AutoCloseable {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final AtomicBoolean expired = new AtomicBoolean();
  private volatile @Nullable Socket socket;
  private final ScheduledFuture<?> alarm;

  /** Starts the timer for a deadline on {@link System#nanoTime()}'s scale. */
  RequestWatchdog(long deadlineNanos) {
    this.alarm =
        TIMER.schedule(
            this::expire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** The socket the request now uses; closed at once when the deadline has already passed. */
  void watch(Socket current) {
    socket = current;
    if (expired.get()) {
      closeQuietly(current);
    }
  }

  /** True once the deadline has passed and the socket was closed for it. */
  boolean expired() {
    return expired.get();
  }

  private void expire() {
    expired.set(true);
    Socket current = socket;
    if (current != null) {
      closeQuietly(current);
    }
  }

  @Override
  public void close() {
    alarm.cancel(false);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // the reader fails either way; nothing more to do
    }
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "pulldoctor-request-deadline");
              thread.setDaemon(true);
              return thread;
            });
    // a request that finishes in time cancels its alarm: drop it at once instead of keeping
    // thousands of them queued until their deadlines in a long-running daemon
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
