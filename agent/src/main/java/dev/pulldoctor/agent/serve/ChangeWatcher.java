package dev.pulldoctor.agent.serve;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.pulldoctor.agent.collect.Pages;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the objects of {@link WatchTargets} and reports changes, so the daemon re-runs soon after
 * one; the run itself reads the cluster again. One informer per object, each limited by namespace
 * and a field selector, without resync. Stores keep only each object's key and resourceVersion
 * ({@link ReducedStateItemStore}), so no credential bytes and no event texts stay in the heap
 * between runs. A failed first start is retried with the informer's backoff.
 *
 * <p>Each watch is checked every {@link Policy#checkEvery}: fabric8 re-opens a cut watch by itself,
 * but after an API outage some informers stayed closed for good, and a watch cut in its first
 * milliseconds can look open while nothing arrives (docs/reliability.md). A watch not watching for
 * {@link Policy#reportAfter} is named by {@link #health} (so {@code /readyz} says so), and is
 * re-opened after {@link Policy#restartAfter} (then after twice as long each time, up to a minute);
 * a watch that heard nothing for {@link Policy#silentAfter} is re-opened too. Each re-open is
 * counted by resource kind and asks for a run, since changes made meanwhile were not seen.
 */
public final class ChangeWatcher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ChangeWatcher.class);
  // Kubelet image events, and the scheduler's, that can change what events.pull-failures finds.
  private static final Set<String> PULL_REASONS =
      Set.of(
          "Failed",
          "BackOff",
          "Pulled",
          "Pulling",
          "FailedToRetrieveImagePullSecret",
          "ErrImageNeverPull",
          "InspectFailed");

  /** The resource kinds watched, the values of {@link #restarts}'s key. */
  public static final List<String> KINDS =
      List.of(
          "Deployment", "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "Event");

  private static final Duration MAX_RESTART_WAIT = Duration.ofMinutes(1);

  /**
   * How watches are supervised.
   *
   * @param checkEvery how often every watch is looked at
   * @param reportAfter how long a watch may be down before {@link #health} names it (fabric8
   *     re-opens a cut watch within a second)
   * @param restartAfter how long a watch may be down before it is re-opened
   * @param silentAfter how long a watch may hear nothing (no change, no list) before it is
   *     re-opened: its resync
   */
  public record Policy(
      Duration checkEvery, Duration reportAfter, Duration restartAfter, Duration silentAfter) {
    /**
     * Check every 2 s; name and re-open a watch down for 3 s (so {@code /readyz} says so within 5
     * s); re-open a watch silent for 10 min.
     */
    public static final Policy DEFAULT =
        new Policy(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofMinutes(10));
  }

  private final KubernetesClient client;
  private final Consumer<String> onChange;
  private final Runnable onRestart;
  private final Policy policy;
  private final List<Watch<?>> watches = new ArrayList<>();
  private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService checker;
  private @Nullable WatchTargets current;

  /** A watcher with the default policy that reports restarts to nobody. */
  public ChangeWatcher(KubernetesClient client, Consumer<String> onChange) {
    this(client, onChange, () -> {}, Policy.DEFAULT);
  }

  /**
   * A watcher.
   *
   * @param onChange receives a short description of each change, e.g. {@code Secret airbyte/regcred
   *     created}; called on the client's informer thread, so it must be quick
   * @param onRestart called after a watch was re-opened (metrics to refresh); must be quick
   */
  public ChangeWatcher(
      KubernetesClient client, Consumer<String> onChange, Runnable onRestart, Policy policy) {
    this.client = client;
    this.onChange = onChange;
    this.onRestart = onRestart;
    this.policy = policy;
    KINDS.forEach(kind -> restarts.put(kind, new AtomicLong()));
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "pulldoctor-watch-check");
              thread.setDaemon(true);
              return thread;
            });
    long every = policy.checkEvery().toMillis();
    var unused = checker.scheduleWithFixedDelay(this::checkQuietly, every, every, MILLISECONDS);
  }

  /** Watches {@code targets}, restarting the informers only when the targets changed. */
  public synchronized void watch(WatchTargets targets) {
    if (targets.equals(current)) {
      return;
    }
    stopAll();
    current = targets;
    String ns = targets.namespace();
    String jobNs = targets.jobNamespace();
    String launcher = targets.launcher();
    if (launcher != null) {
      add(
          client.apps().deployments().inNamespace(ns).withField("metadata.name", launcher),
          Deployment.class,
          "Deployment " + ns + "/" + launcher,
          o -> true,
          true);
    }
    String configMap = targets.envConfigMap();
    if (configMap != null) {
      add(
          client.configMaps().inNamespace(ns).withField("metadata.name", configMap),
          ConfigMap.class,
          "ConfigMap " + ns + "/" + configMap,
          o -> true,
          true);
    }
    for (String secret : targets.secrets()) {
      add(
          client.secrets().inNamespace(jobNs).withField("metadata.name", secret),
          Secret.class,
          "Secret " + jobNs + "/" + secret,
          o -> true,
          true);
    }
    add(
        client
            .serviceAccounts()
            .inNamespace(jobNs)
            .withField("metadata.name", targets.serviceAccount()),
        ServiceAccount.class,
        "ServiceAccount " + jobNs + "/" + targets.serviceAccount(),
        o -> true,
        true);
    // The launcher's permissions: a Role or RoleBinding of the job namespace changed can change
    // rbac.job-launcher, whose access reviews are then asked again (AccessReviewCache). Cluster
    // RBAC is not watched (that would take a cluster-wide watch): a change there shows at the
    // next periodic run.
    add(
        client.rbac().roles().inNamespace(jobNs).withLimit(Pages.PAGE),
        Role.class,
        "Roles in " + jobNs,
        o -> true,
        true);
    add(
        client.rbac().roleBindings().inNamespace(jobNs).withLimit(Pages.PAGE),
        RoleBinding.class,
        "RoleBindings in " + jobNs,
        o -> true,
        true);
    add(
        // No field selector: most events in Airbyte's namespaces are about pods anyway, and the
        // handler keeps only job-pod image events. Listed in pages, as the collector lists them:
        // the first list (and every relist) of a namespace flooded with large events was read as
        // one answer, 113 MiB for the attack run's 10,000 × 1 KiB + 100 × 1 MiB events, and ran
        // the chart's 360 MiB heap out of memory (bench/run --only hostile).
        client.v1().events().inNamespace(jobNs).withLimit(Pages.EVENT_PAGE),
        Event.class,
        "a job-pod image event in " + jobNs,
        ChangeWatcher::isJobPodPullEvent,
        false);
    logger.info(
        "watching {} object(s) for changes: launcher {}, ConfigMap {}, secrets {}, service account"
            + " {}, Roles, RoleBindings and job-pod events in {}",
        watches.size(),
        launcher,
        configMap,
        targets.secrets(),
        targets.serviceAccount(),
        jobNs);
  }

  /**
   * How many informers run, how many of those have a live watch, which have been down, and which
   * the API server does not permit.
   */
  public synchronized Health health() {
    int watching = 0;
    List<String> down = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Watch<?> watch : watches) {
      if (watch.up()) {
        watching++;
      } else if (watch.refused()) {
        refused.add(watch.what);
      } else if (watch.named) {
        down.add(watch.what);
      }
    }
    return new Health(watches.size(), watching, down, refused);
  }

  /**
   * Informer counts, for {@code /readyz} and tests.
   *
   * @param down the watches down for longer than {@link Policy#reportAfter}, e.g. {@code Secret
   *     airbyte/regcred}
   * @param refused the watches the API server answers 403 Forbidden (RBAC without {@code watch},
   *     such as {@code rbac.secrets.mode=none}): not down, since re-opening them changes nothing;
   *     what they would have seen shows at the next periodic run
   */
  public record Health(int informers, int watching, List<String> down, List<String> refused) {
    public Health {
      down = List.copyOf(down);
      refused = List.copyOf(refused);
    }
  }

  /** How often the watches of {@code kind} (one of {@link #KINDS}) were re-opened. */
  public long restarts(String kind) {
    AtomicLong count = restarts.get(kind);
    return count == null ? 0 : count.get();
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      // The type only: informer failures can quote API answers. The next check tries again.
      logger.warn("checking the watches failed: {}", e.getClass().getName());
    }
  }

  private synchronized void check() {
    long now = System.nanoTime();
    for (Watch<?> watch : watches) {
      if (watch.refused()) {
        // Forbidden: re-opening it every few seconds would ask for a run each time. The informer
        // retries with its own backoff and clears this once a list or watch goes through.
        watch.named = false;
        if (!watch.refusalLogged) {
          watch.refusalLogged = true;
          logger.warn(
              "not permitted to watch {} (403 Forbidden): its changes show at the next periodic"
                  + " run; grant list and watch on it to see them at once",
              watch.what);
        }
        continue;
      }
      String why = watch.restartReason(now);
      if (why != null) {
        logger.warn("re-opening the watch of {}: {}", watch.what, why);
        watch.restart(now);
        Objects.requireNonNull(restarts.get(watch.kind)).incrementAndGet();
        onRestart.run();
        // Whatever changed while it was down went unseen: a run reads the cluster again.
        onChange.accept("the watch of " + watch.what + " re-opened");
      }
      // Named only by a check, after its restart: /readyz never names a watch not re-opened yet.
      watch.named = !watch.up() && watch.downFor(now).compareTo(policy.reportAfter()) >= 0;
    }
  }

  /** One watched object (or the job-pod events): its informer, re-made on each restart. */
  private final class Watch<T extends HasMetadata> {
    final String what;
    final String kind;
    private final Supplier<SharedIndexInformer<T>> make;
    private SharedIndexInformer<T> informer;
    // Nanos; guarded by ChangeWatcher.this.
    private long downSince = -1;
    private long lastRestart;
    private int restartsInARow;
    // Whether health() names it: down for Policy.reportAfter at the last check.
    boolean named;
    // Written by the informer's thread, read by the checker.
    final AtomicLong lastHeard;
    // Set when the API server answered 403 to its list or watch, cleared when it is watching.
    final AtomicBoolean forbidden;
    boolean refusalLogged;

    Watch(
        String what,
        String kind,
        AtomicLong lastHeard,
        AtomicBoolean forbidden,
        Supplier<SharedIndexInformer<T>> make) {
      this.what = what;
      this.kind = kind;
      this.lastHeard = lastHeard;
      this.forbidden = forbidden;
      this.make = make;
      this.informer = make.get();
      this.lastRestart = System.nanoTime();
    }

    boolean up() {
      boolean up = informer.isRunning() && informer.isWatching();
      if (up && forbidden.getAndSet(false)) {
        refusalLogged = false;
      }
      return up;
    }

    /** Whether the API server forbids it (and it is not watching). */
    boolean refused() {
      return forbidden.get() && !up();
    }

    Duration downFor(long now) {
      return downSince < 0 ? Duration.ZERO : Duration.ofNanos(now - downSince);
    }

    /** Why it must be re-opened now; null when it may stay. */
    @Nullable String restartReason(long now) {
      if (up()) {
        downSince = -1;
        restartsInARow = 0;
        return Duration.ofNanos(now - lastHeard.get()).compareTo(policy.silentAfter()) >= 0
            ? "silent for " + policy.silentAfter().toSeconds() + " s"
            : null;
      }
      if (downSince < 0) {
        downSince = now;
      }
      if (!informer.isRunning()) {
        return "its informer stopped";
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
      informer.stop();
      informer = make.get();
      lastRestart = now;
      restartsInARow++;
      lastHeard.set(now);
    }

    void stop() {
      informer.stop();
    }
  }

  /**
   * Starts one informer.
   *
   * @param deletesMatter false for events: they expire after an hour, which changes nothing
   */
  private <T extends HasMetadata> void add(
      Informable<T> source,
      Class<T> type,
      String what,
      Predicate<T> relevant,
      boolean deletesMatter) {
    AtomicLong heard = new AtomicLong(System.nanoTime());
    AtomicBoolean forbidden = new AtomicBoolean();
    Watch<T> watch =
        new Watch<>(
            what,
            type.getSimpleName(),
            heard,
            forbidden,
            () -> {
              SharedIndexInformer<T> informer = source.runnableInformer(0);
              informer.itemStore(
                  new ReducedStateItemStore<>(
                      ReducedStateItemStore.NAME_KEY_STATE,
                      type,
                      client.getKubernetesSerialization()));
              informer.exceptionHandler(
                  (started, failure) -> {
                    if (isForbidden(failure)) {
                      forbidden.set(true);
                    }
                    // The type only: API error texts may quote the request.
                    logger.debug(
                        "watch of {} failed ({}{}); retrying",
                        what,
                        failure.getClass().getName(),
                        forbidden.get() ? ", 403 Forbidden" : "");
                    return true;
                  });
              informer.addEventHandler(new Handler<>(what, relevant, deletesMatter, heard));
              informer.start();
              return informer;
            });
    watches.add(watch);
  }

  /** Whether the API server answered 403 Forbidden, however the informer wraps the answer. */
  static boolean isForbidden(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 10; depth++) {
      if (cause instanceof KubernetesClientException refusal && refusal.getCode() == 403) {
        return true;
      }
      if (cause instanceof WatcherException watcher
          && watcher.asClientException().getCode() == 403) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }

  /**
   * Turns informer notifications into changes. The informer calls one handler from one thread at a
   * time, in order: {@code onBeforeList}, the list's adds and updates, {@code onList}.
   */
  private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String what;
    private final Predicate<T> relevant;
    private final boolean deletesMatter;
    private final AtomicLong heard;
    private boolean listing;
    private boolean listedOnce;

    Handler(String what, Predicate<T> relevant, boolean deletesMatter, AtomicLong heard) {
      this.what = what;
      this.relevant = relevant;
      this.deletesMatter = deletesMatter;
      this.heard = heard;
    }

    @Override
    public void onBeforeList(String resourceVersion) {
      listing = true;
      heard.set(System.nanoTime());
    }

    @Override
    public void onList(String resourceVersion, boolean empty) {
      listing = false;
      listedOnce = true;
      heard.set(System.nanoTime());
    }

    @Override
    public void onAdd(T object) {
      heard.set(System.nanoTime());
      // The first list adds what existed when the last run read the cluster: not news. A later
      // re-list (after the watch fell behind) adds only what is new since.
      if (!(listing && !listedOnce) && relevant.test(object)) {
        onChange.accept(what + " created");
      }
    }

    @Override
    public void onUpdate(T before, T after) {
      heard.set(System.nanoTime());
      if (!Objects.equals(
              before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
          && relevant.test(after)) {
        onChange.accept(what + " changed");
      }
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      heard.set(System.nanoTime());
      if (deletesMatter) {
        onChange.accept(what + " deleted");
      }
    }
  }

  private static boolean isJobPodPullEvent(Event event) {
    return event.getInvolvedObject() != null
        && "Pod".equals(event.getInvolvedObject().getKind())
        && ImageInventory.looksLikeJobPodName(event.getInvolvedObject().getName())
        && PULL_REASONS.contains(event.getReason());
  }

  private void stopAll() {
    watches.forEach(Watch::stop);
    watches.clear();
  }

  @Override
  public synchronized void close() {
    checker.shutdownNow();
    stopAll();
    current = null;
  }
}
