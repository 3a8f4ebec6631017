package dev.pulldoctor.agent.serve;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.pulldoctor.agent.collect.CachedKinds;
import dev.pulldoctor.agent.collect.Kind;
import dev.pulldoctor.agent.collect.SecretStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's view of the cluster: one informer per kind the collector reads, in the Airbyte
 * namespace and the job namespace, plus the cluster-scoped kinds; each keeps its objects as {@link
 * dev.pulldoctor.agent.collect.Pruning} cuts them, so a run reads them from memory ({@link
 * CachedKinds}) instead of listing them again. Secrets are watched by type (the two pull-secret
 * types and Helm's release records) and, for the names Airbyte gives, by name; each is reduced on
 * arrival ({@link SecretStore}), so no credential bytes stay in the heap. No resync: a full relist
 * happens only when a watch cannot resume.
 *
 * <p>A change that can change the report asks for a run ({@link Relevance}): the launcher, its
 * ConfigMap, the named pull secrets, the job service account, RBAC, network policies and job-pod
 * image events. Pods and nodes are re-read by the periodic run, from memory.
 *
 * <p>Each watch is checked every {@link Policy#checkEvery}: fabric8 re-opens a cut watch by itself,
 * but after an API outage some informers stayed closed for good (docs/reliability.md). A watch not
 * watching for {@link Policy#reportAfter} is named by {@link #health} (so {@code /readyz} says so),
 * and is re-opened after {@link Policy#restartAfter} (then after twice as long each time, up to a
 * minute); a watch whose API server sends bookmarks and that heard nothing for {@link
 * Policy#silentAfter} is re-opened too. Each re-open is counted by resource kind and asks for a
 * run. While a kind's informer is not listed and watching, runs list that kind instead.
 */
public final class ChangeWatcher implements CachedKinds, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ChangeWatcher.class);
  private static final String SECRET = "Secret";
  // How often a run waiting for first lists looks again: a first list takes seconds.
  private static final Duration FIRST_LIST_POLL = Duration.ofMillis(50);

  /** The resource kinds watched, the values of {@link #restarts}'s key. */
  public static final List<String> KINDS =
      Stream.concat(
              Stream.of(Kind.AIRBYTE_NAMESPACE, Kind.EACH_NAMESPACE, Kind.CLUSTER)
                  .flatMap(List::stream)
                  .map(Kind::name),
              Stream.of(SECRET))
          .sorted()
          .toList();

  // Secrets whose data the rules read: the kubelet's two pull-secret types and Helm's records.
  private static final List<String> SECRET_TYPES =
      List.of("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg", "helm.sh/release.v1");

  /**
   * How watches are supervised.
   *
   * @param checkEvery how often every watch is looked at
   * @param reportAfter how long a watch may be down before {@link #health} names it (fabric8
   *     re-opens a cut watch within a second)
   * @param restartAfter how long a watch may be down before it is re-opened
   * @param silentAfter how long a watch whose API server sends bookmarks may hear nothing (no
   *     change, no bookmark) before it is re-opened
   */
  public record Policy(
      Duration checkEvery, Duration reportAfter, Duration restartAfter, Duration silentAfter) {
    /**
     * Check every 2 s; name and re-open a watch down for 3 s (so {@code /readyz} says so within 5
     * s); re-open a watch silent for 5 min where bookmarks come about once a minute.
     */
    public static final Policy DEFAULT =
        new Policy(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofMinutes(5));
  }

  private final KubernetesClient client;
  private final Consumer<String> onChange;
  private final Runnable onRestart;
  private final Policy policy;
  // Keyed by what they watch, e.g. "Pod airbyte" or "Secret airbyte/regcred".
  private final Map<String, SupervisedInformer<?>> watches = new LinkedHashMap<>();
  // The keys in watches of the Secrets watched by name, with their names.
  private final Map<String, String> namedSecrets = new LinkedHashMap<>();
  private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService checker;
  private volatile @Nullable WatchTargets current;
  // Set by close: a run or report arriving after it starts no informer.
  private boolean closed;

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

  /**
   * Watches what {@code targets} name. The informers of each kind are started once per pair of
   * namespaces; a change of the named pull secrets starts and stops only their watches.
   */
  public synchronized void watch(WatchTargets targets) {
    if (closed) {
      return;
    }
    WatchTargets before = current;
    current = targets;
    if (before == null
        || !before.namespace().equals(targets.namespace())
        || !before.jobNamespace().equals(targets.jobNamespace())) {
      // Informers of a kind and namespace still wanted keep their cache (a first report that
      // names another job namespace adds its informers, and lists nothing twice).
      Set<String> wanted = startKinds(targets);
      for (String key : List.copyOf(watches.keySet())) {
        if (!wanted.contains(key) && !namedSecrets.containsKey(key)) {
          SupervisedInformer<?> stale = watches.remove(key);
          if (stale != null) {
            stale.stop();
          }
        }
      }
    }
    watchNamedSecrets(targets);
    if (!targets.equals(before)) {
      logger.info(
          "watching {} informer(s): every kind the rules read in {}{}, the cluster's nodes and"
              + " RBAC, and the pull secrets {} by name",
          watches.size(),
          targets.namespace(),
          targets.jobNamespace().equals(targets.namespace())
              ? ""
              : " and " + targets.jobNamespace(),
          targets.secrets());
    }
  }

  /**
   * Starts the informers of {@code namespace} if none were started, and only then waits for their
   * first lists: a later run never waits, so an informer stuck in its first list costs one run 30 s
   * once, and a watch being re-opened costs nothing.
   */
  @Override
  public void awaitFirstLists(String namespace, Duration max) throws InterruptedException {
    synchronized (this) {
      if (current != null || closed) {
        return;
      }
      watch(WatchTargets.beforeFirstReport(namespace));
    }
    long deadline = System.nanoTime() + max.toNanos();
    while (firstListsUnderway() && System.nanoTime() < deadline) {
      Thread.sleep(FIRST_LIST_POLL.toMillis());
    }
  }

  private synchronized boolean firstListsUnderway() {
    return watches.values().stream().anyMatch(SupervisedInformer::starting);
  }

  /** Starts the informers {@code targets} need that are not running; returns all their keys. */
  private Set<String> startKinds(WatchTargets targets) {
    Set<String> keys = new HashSet<>();
    List<String> namespaces = namespaces(targets);
    for (Kind<?> kind : Kind.AIRBYTE_NAMESPACE) {
      keys.add(add(kind, targets.namespace()));
    }
    for (String namespace : namespaces) {
      for (Kind<?> kind : Kind.EACH_NAMESPACE) {
        keys.add(add(kind, namespace));
      }
      for (String type : SECRET_TYPES) {
        keys.add(addSecrets(namespace, type, null));
      }
    }
    for (Kind<?> kind : Kind.CLUSTER) {
      keys.add(add(kind, null));
    }
    return keys;
  }

  /** One informer per named pull secret in each watched namespace; the others stopped. */
  private void watchNamedSecrets(WatchTargets targets) {
    Set<String> wanted = new HashSet<>();
    for (String namespace : namespaces(targets)) {
      for (String name : targets.secrets()) {
        wanted.add(SECRET + " " + namespace + "/" + name);
      }
    }
    for (String key : List.copyOf(namedSecrets.keySet())) {
      if (!wanted.contains(key)) {
        Objects.requireNonNull(watches.remove(key)).stop();
        namedSecrets.remove(key);
      }
    }
    for (String namespace : namespaces(targets)) {
      for (String name : targets.secrets()) {
        String key = SECRET + " " + namespace + "/" + name;
        if (!namedSecrets.containsKey(key)) {
          namedSecrets.put(key, name);
          addSecrets(namespace, null, name);
        }
      }
    }
  }

  @Override
  public synchronized <T extends HasMetadata> Optional<List<T>> objects(
      Kind<T> kind, @Nullable String namespace) {
    SupervisedInformer<?> watch = watches.get(key(kind.name(), namespace));
    if (watch == null || !watch.ready()) {
      return Optional.empty();
    }
    return Optional.of(
        watch
            .store()
            .values()
            .map(kind.type()::cast)
            .sorted(Comparator.comparing((T o) -> String.valueOf(o.getMetadata().getName())))
            .toList());
  }

  @Override
  public synchronized Optional<Secrets> secrets(String namespace) {
    List<SecretStore> stores = new ArrayList<>();
    Set<String> byName = new TreeSet<>();
    String prefix = SECRET + " " + namespace;
    for (Map.Entry<String, SupervisedInformer<?>> entry : watches.entrySet()) {
      String key = entry.getKey();
      if (!key.equals(prefix) && !key.startsWith(prefix + " ") && !key.startsWith(prefix + "/")) {
        continue;
      }
      SupervisedInformer<?> watch = entry.getValue();
      if (!watch.ready() || !(watch.store() instanceof SecretStore store)) {
        return Optional.empty();
      }
      stores.add(store);
      String name = namedSecrets.get(key);
      if (name != null) {
        byName.add(name);
      }
    }
    return stores.size() < SECRET_TYPES.size()
        ? Optional.empty()
        : Optional.of(new Secrets(SecretStore.reduced(stores), byName));
  }

  /**
   * How many informers run, how many of those have a live watch, which have been down, and which
   * the API server does not permit.
   */
  public synchronized Health health() {
    int watching = 0;
    List<String> down = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (SupervisedInformer<?> watch : watches.values()) {
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
   *     runs list what they would have held
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
    for (SupervisedInformer<?> watch : watches.values()) {
      if (watch.refused()) {
        // Forbidden: re-opening it every few seconds would ask for a run each time. The informer
        // retries with its own backoff and clears this once a list or watch goes through.
        watch.named = false;
        if (!watch.refusalLogged) {
          watch.refusalLogged = true;
          logger.warn(
              "not permitted to watch {} (403 Forbidden): runs list it instead; grant list and"
                  + " watch on it to see its changes at once",
              watch.what);
        }
        continue;
      }
      String why = watch.restartReason(now, policy);
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

  /** The Airbyte namespace and the job namespace, once when they are the same. */
  private static List<String> namespaces(WatchTargets targets) {
    return Stream.of(targets.namespace(), targets.jobNamespace()).distinct().toList();
  }

  private static String key(String kindName, @Nullable String namespace) {
    return namespace == null ? kindName : kindName + " " + namespace;
  }

  /** Starts the informer of one kind in one namespace (null: cluster-scoped); returns its key. */
  private <T extends HasMetadata> String add(Kind<T> kind, @Nullable String namespace) {
    String what =
        namespace == null ? kind.name() + "s" : kind.name() + "s in namespace " + namespace;
    Relevance<T> relevance = Relevance.of(kind, namespace);
    return start(
        key(kind.name(), namespace),
        what,
        kind.name(),
        () -> {
          SharedIndexInformer<T> informer = Informers.of(client, kind, namespace);
          return new SupervisedInformer.Started<>(informer, Informers.prunedStore(kind));
        },
        relevance);
  }

  /**
   * Starts the informer of the Secrets of one type, or of the one Secret {@code name}; returns its
   * key.
   */
  private String addSecrets(String namespace, @Nullable String type, @Nullable String name) {
    String key =
        name != null
            ? SECRET + " " + namespace + "/" + name
            : SECRET + " " + namespace + " " + type;
    String what =
        name != null
            ? SECRET + " " + namespace + "/" + name
            : "Secrets of type " + type + " in namespace " + namespace;
    return start(
        key,
        what,
        SECRET,
        () ->
            new SupervisedInformer.Started<>(
                Informers.secrets(client, namespace, type, name),
                new SecretStore(
                    secret ->
                        (type == null || type.equals(secret.getType()))
                            && (name == null || name.equals(secret.getMetadata().getName())))),
        name != null ? Relevance.always() : Relevance.namedSecret());
  }

  /** Starts an informer under {@code key}, unless one runs under it already. */
  private <T extends HasMetadata> String start(
      String key,
      String what,
      String kind,
      Supplier<SupervisedInformer.Started<T>> make,
      Relevance<T> relevance) {
    if (watches.containsKey(key)) {
      return key;
    }
    AtomicLong heard = new AtomicLong(System.nanoTime());
    AtomicBoolean forbidden = new AtomicBoolean();
    AtomicBoolean failedSince = new AtomicBoolean();
    SupervisedInformer<T> watch =
        new SupervisedInformer<>(
            what,
            kind,
            heard,
            forbidden,
            failedSince,
            () -> {
              SupervisedInformer.Started<T> started = make.get();
              SharedIndexInformer<T> informer = started.informer();
              informer.itemStore(started.store());
              // Nothing reads the namespace index, and fabric8 would keep in it the key of every
              // object the store refused (events no rule reads) until the informer stops.
              informer.removeNamespaceIndex();
              informer.exceptionHandler(
                  (isStarted, failure) -> {
                    failedSince.set(true);
                    if (Refusals.isForbidden(failure)) {
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
              ItemStore<T> store = started.store();
              // What the store refused (outside its selection, or not read by any rule) is no
              // change: a server that ignores a field selector sends every Secret to each watch.
              informer.addEventHandler(
                  new ChangeHandler<>(
                      kind,
                      relevance,
                      o -> store.get(store.getKey(o)) != null,
                      () -> current,
                      onChange,
                      heard));
              informer.start();
              return started;
            });
    watches.put(key, watch);
    return key;
  }

  private void stopAll() {
    watches.values().forEach(SupervisedInformer::stop);
    watches.clear();
    namedSecrets.clear();
  }

  @Override
  public synchronized void close() {
    closed = true;
    checker.shutdownNow();
    stopAll();
    current = null;
  }
}
