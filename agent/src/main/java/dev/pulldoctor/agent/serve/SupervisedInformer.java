package dev.pulldoctor.agent.serve;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One informer of the {@link ChangeWatcher}, with what its supervision needs: when it was last
 * heard from, whether the API server refuses it, and how to make it again. Re-made on each restart
 * (a new informer, which lists again). Guarded by the watcher's lock except for the atomics, which
 * the informer's thread writes.
 */
final class SupervisedInformer<T extends HasMetadata> {
  private static final Duration MAX_RESTART_WAIT = Duration.ofMinutes(1);

  /** A started informer and the store it fills. */
  record Started<T extends HasMetadata>(SharedIndexInformer<T> informer, ItemStore<T> store) {}

  final String what;
  final String kind;
  private final Supplier<Started<T>> make;
  private Started<T> started;
  private long downSince = -1;
  private long lastRestart;
  private int restartsInARow;
  private @Nullable String lastVersion;
  // Whether its resourceVersion moved since it was made: the API server sends bookmarks, so a
  // watch that stays silent for long is dead, not idle.
  private boolean progressSeen;
  // Whether health() names it: down for Policy.reportAfter at the last check.
  boolean named;
  // Written by the informer's thread, read by the checker.
  final AtomicLong lastHeard;
  // Set when the API server answered 403 to its list or watch, cleared when it is watching.
  final AtomicBoolean forbidden;
  // Set when its list or watch failed since it was made: a first list still running is not down.
  final AtomicBoolean failed;
  boolean refusalLogged;

  SupervisedInformer(
      String what,
      String kind,
      AtomicLong lastHeard,
      AtomicBoolean forbidden,
      AtomicBoolean failed,
      Supplier<Started<T>> make) {
    this.failed = failed;
    this.what = what;
    this.kind = kind;
    this.lastHeard = lastHeard;
    this.forbidden = forbidden;
    this.make = make;
    this.started = make.get();
    this.lastRestart = System.nanoTime();
  }

  ItemStore<T> store() {
    return started.store();
  }

  boolean up() {
    SharedIndexInformer<T> informer = started.informer();
    boolean up = informer.isRunning() && informer.isWatching();
    if (up && forbidden.getAndSet(false)) {
      refusalLogged = false;
    }
    return up;
  }

  /** Whether its store is complete and current: listed once and watching. */
  boolean ready() {
    return started.informer().hasSynced() && up();
  }

  /**
   * Whether it is still starting: its first list being read or its watch being opened, neither
   * failed nor refused.
   */
  boolean starting() {
    return started.informer().isRunning() && !ready() && !failed.get();
  }

  /** Whether the API server forbids it (and it is not watching). */
  boolean refused() {
    return forbidden.get() && !up();
  }

  Duration downFor(long now) {
    return downSince < 0 ? Duration.ZERO : Duration.ofNanos(now - downSince);
  }

  /** Why it must be re-opened now; null when it may stay. */
  @Nullable String restartReason(long now, ChangeWatcher.Policy policy) {
    if (up()) {
      downSince = -1;
      restartsInARow = 0;
      String version = started.informer().lastSyncResourceVersion();
      if (lastVersion != null && !Objects.equals(version, lastVersion)) {
        progressSeen = true;
        lastHeard.set(now);
      }
      lastVersion = version;
      // Silence means death only where the API server sends bookmarks (every watch then hears
      // one about once a minute). Elsewhere (an API server or proxy that sends none) fabric8
      // ends every watch after 5 to 10 minutes and resumes it from its resourceVersion, without
      // a LIST: that is what re-opens a watch that looks open while nothing arrives.
      return progressSeen
              && Duration.ofNanos(now - lastHeard.get()).compareTo(policy.silentAfter()) >= 0
          ? "silent for " + policy.silentAfter().toSeconds() + " s"
          : null;
    }
    if (!started.informer().isRunning()) {
      if (downSince < 0) {
        downSince = now;
      }
      return "its informer stopped";
    }
    if (!started.informer().hasSynced() && !failed.get()) {
      // Its first list is still being read (2,000 pods take seconds): starting, not down.
      return null;
    }
    if (downSince < 0) {
      downSince = now;
    }
    Duration wait = policy.restartAfter().multipliedBy(1L << Math.min(restartsInARow, 10));
    if (wait.compareTo(MAX_RESTART_WAIT) > 0) {
      wait = MAX_RESTART_WAIT;
    }
    long since = Math.max(downSince, lastRestart);
    return Duration.ofNanos(now - since).compareTo(wait) >= 0
        ? "not watching for " + Duration.ofNanos(now - downSince).toSeconds() + " s"
        : null;
  }

  void restart(long now) {
    started.informer().stop();
    started = make.get();
    lastRestart = now;
    restartsInARow++;
    lastVersion = null;
    progressSeen = false;
    failed.set(false);
    lastHeard.set(now);
  }

  void stop() {
    started.informer().stop();
  }
}
