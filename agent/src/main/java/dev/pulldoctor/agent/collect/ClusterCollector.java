package dev.pulldoctor.agent.collect;

import dev.pulldoctor.agent.collect.SecretListing.Listed;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads exactly what the rules need from a live cluster: one namespace-scoped LIST per kind in the
 * Airbyte namespace (and the job namespace when it differs). A kind that cannot be read becomes a
 * {@link CollectionError}; only an unreachable API or rejected credentials stop the run. Secrets
 * are reduced to {@link SecretInfo} as soon as they arrive. Every LIST is paged ({@link Pages}),
 * and events, which anyone who may create them can make many and large, are reduced page by page
 * ({@link EventReducer}), so memory is bounded by counts, not by what is written into the cluster.
 *
 * <p>The LISTs run {@value #PARALLEL_LISTS} at a time, so a run takes about as long as its largest
 * LIST rather than the sum of all of them; their results are added to the snapshot in a fixed
 * order, whatever order they arrive in. Pods are listed whole, not by the {@code airbyte=job-pod}
 * selector: {@code launcher.rollout} reads the launcher's own pods, and the event rules tell job
 * pods from other pods by name, so both need every pod of the namespace.
 */
public final class ClusterCollector {
  private static final Logger logger = LoggerFactory.getLogger(ClusterCollector.class);
  private static final String FALLBACK_NAMESPACE = "airbyte";
  private static final String[] LAUNCHER_NAMES = {
    "workload-launcher", "airbyte-workload-launcher", "worker", "airbyte-worker"
  };
  // fabric8 no longer limits concurrent requests (its max-concurrent settings are ignored since
  // 6.4), so the bound is ours: enough to overlap the large LISTs, few enough for a busy API
  // server.
  private static final int PARALLEL_LISTS = 4;

  private final KubernetesClient client;
  private final Clock clock;
  private final AccessReviewCache reviewCache;
  private final CachedKinds cache;
  // Kinds taken from the cache in this collection; written and read on the collecting thread.
  private int fromCache;

  /** A collector that asks every access review each time (the one-shot commands). */
  public ClusterCollector(KubernetesClient client, Clock clock) {
    this(client, clock, AccessReviewCache.NONE);
  }

  /**
   * A collector that uses the answers {@code reviewCache} kept while the RBAC objects are unchanged
   * (the daemon).
   */
  public ClusterCollector(KubernetesClient client, Clock clock, AccessReviewCache reviewCache) {
    this(client, clock, reviewCache, CachedKinds.NONE);
  }

  /**
   * A collector that takes each kind {@code cache} holds instead of listing it (the daemon, whose
   * informers hold them), and lists the others.
   */
  public ClusterCollector(
      KubernetesClient client, Clock clock, AccessReviewCache reviewCache, CachedKinds cache) {
    this.client = client;
    this.clock = clock;
    this.reviewCache = reviewCache;
    this.cache = cache;
  }

  /**
   * Reads what the rules need from the Airbyte namespace, one LIST per kind.
   *
   * @param namespace the Airbyte namespace, or null to find it
   * @param context the kubeconfig context name, for the report
   */
  public Snapshot collect(@Nullable String namespace, @Nullable String context)
      throws ClusterUnreachableException {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_LISTS, ClusterCollector::thread);
    ExecutorService collecting =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "pulldoctor-collect");
              thread.setDaemon(true);
              return thread;
            });
    Duration limit = timeLimit(client.getConfiguration().getRequestTimeout());
    try {
      // fabric8 waits for a response without a limit of its own once the request is sent (its
      // request timeout ends at the response headers): a stalled body or a request lost on a
      // broken connection would hold a run, and with it the daemon, forever. The collection runs
      // on a thread of its own and is given up after the limit; shutdownNow interrupts what waits.
      Future<Snapshot> snapshot = collecting.submit(() -> collect(pool, namespace, context));
      return snapshot.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ClusterUnreachableException(
          "cannot reach the Kubernetes API at "
              + client.getConfiguration().getMasterUrl()
              + ": timed out: no complete answer within "
              + limit.toSeconds()
              + " s (a proxy or load balancer may be holding the connection open)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnreachableException("interrupted while reading the cluster");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ClusterUnreachableException unreachable) {
        throw unreachable;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("collecting failed", cause);
    } finally {
      collecting.shutdownNow();
      pool.shutdownNow();
    }
  }

  /**
   * How long a whole collection may take: four request timeouts, room for its three rounds of
   * requests (LISTs, access reviews, the job namespace's LISTs) and a retry; two minutes when the
   * request timeout is off.
   */
  static Duration timeLimit(int requestTimeoutMillis) {
    return requestTimeoutMillis > 0
        ? Duration.ofMillis(4L * requestTimeoutMillis)
        : Duration.ofMinutes(2);
  }

  private Snapshot collect(
      ExecutorService pool, @Nullable String namespace, @Nullable String context)
      throws ClusterUnreachableException {
    String airbyteNamespace = namespace != null ? namespace : findNamespace(pool);
    logger.debug("collecting from namespace {}", airbyteNamespace);
    Source source = new Source(SourceType.CLUSTER, context, airbyteNamespace);
    Snapshot.Builder builder = Snapshot.builder(clock.instant(), source);
    Listing<Deployment> deployments =
        submitInNamespace(pool, Kind.DEPLOYMENTS, airbyteNamespace, client.apps().deployments());
    Listing<ConfigMap> configMaps =
        submitInNamespace(pool, Kind.CONFIG_MAPS, airbyteNamespace, client.configMaps());
    NamespaceKinds airbyteKinds = submitNamespaceKinds(pool, airbyteNamespace);
    ClusterKinds clusterKinds = submitClusterKinds(pool);
    builder.addAll(deployments.take(builder));
    builder.addAll(configMaps.take(builder));
    // The launcher, hence the job namespace and the account to review, comes from the
    // deployments and config maps alone.
    AirbyteInstall install = AirbyteInstall.from(builder.build(), airbyteNamespace);
    if (install.jobLauncher().isEmpty() && namespace != null) {
      // -n named a namespace without Airbyte: the launchers elsewhere let the report say where
      // to look (without -n the search above already chose the namespace).
      searchLaunchers(pool).stream()
          .filter(d -> !airbyteNamespace.equals(d.getMetadata().getNamespace()))
          .forEach(builder::add);
    }
    String jobNamespace = install.jobNamespace();
    NamespaceKinds jobKinds = null;
    if (!jobNamespace.equals(airbyteNamespace)) {
      logger.debug("job pods run in namespace {}", jobNamespace);
      jobKinds = submitNamespaceKinds(pool, jobNamespace);
    }
    airbyteKinds.take(builder, install);
    if (jobKinds != null) {
      jobKinds.take(builder, install);
    }
    clusterKinds.take(builder);
    review(builder, install);
    if (fromCache > 0) {
      logger.debug("took {} kind(s) from the watch caches, listed the others", fromCache);
    }
    return builder.build();
  }

  /**
   * Adds the access reviews: the kept answers while the RBAC objects just read are those they were
   * given for ({@link AccessReviewCache}), else asked now. Reviews are small and sequential (they
   * stop at the first failure), so they follow the LISTs they depend on.
   */
  private void review(Snapshot.Builder builder, AirbyteInstall install) {
    Snapshot read = builder.build();
    String question = AccessReviewCache.question(install, read);
    Optional<List<AccessReview>> kept =
        question == null ? Optional.empty() : reviewCache.answers(question);
    if (kept.isPresent()) {
      logger.debug("access reviews: RBAC unchanged, {} answers kept", kept.get().size());
      kept.get().forEach(builder::accessReview);
      return;
    }
    // A builder of their own, so the answers can be kept only when none of them failed.
    Snapshot.Builder reviews = Snapshot.builder(clock.instant(), read.source());
    new AccessReviewer(client).review(reviews, install);
    Snapshot reviewed = reviews.build();
    reviewed.accessReviews().forEach(builder::accessReview);
    reviewed.collectionErrors().forEach(builder::collectionError);
    if (question != null && reviewed.collectionErrors().isEmpty()) {
      reviewCache.keep(question, reviewed.accessReviews());
    }
  }

  private NamespaceKinds submitNamespaceKinds(ExecutorService pool, String namespace) {
    // Largest first: pods and events dominate a busy namespace.
    Listing<Pod> pods = submitInNamespace(pool, Kind.PODS, namespace, client.pods());
    Listing<Event> events =
        submit(
            pool,
            Kind.EVENTS,
            namespace,
            () -> {
              // Reduced page by page: a namespace's events are whatever anyone wrote there.
              EventReducer reducer = new EventReducer();
              Pages.each(
                  client.v1().events().inNamespace(namespace)::list,
                  Pages.EVENT_PAGE,
                  reducer::add);
              if (reducer.dropped() > 0) {
                logger.debug(
                    "kept {} events in namespace {}, passed over {} (not about pods, or beyond"
                        + " the bounds)",
                    reducer.events().size(),
                    namespace,
                    reducer.dropped());
              }
              return reducer.events();
            });
    // Reduce at once, on the thread that listed them; never log or keep a fabric8 Secret (its
    // toString prints data). Data is read of pull secrets and Helm release records only.
    Optional<CachedKinds.Secrets> cachedSecrets = cache.secrets(namespace);
    Listing<SecretListing.Listed> secrets =
        cachedSecrets.isPresent()
            ? cached("secrets", "", namespace, List.of(Listed.fromCache(cachedSecrets.get())))
            : submitList(
                pool,
                "secrets",
                "",
                namespace,
                () -> List.of(SecretListing.list(client, namespace)));
    Listing<ServiceAccount> serviceAccounts =
        submitInNamespace(pool, Kind.SERVICE_ACCOUNTS, namespace, client.serviceAccounts());
    Listing<Role> roles = submitInNamespace(pool, Kind.ROLES, namespace, client.rbac().roles());
    Listing<RoleBinding> roleBindings =
        submitInNamespace(pool, Kind.ROLE_BINDINGS, namespace, client.rbac().roleBindings());
    Listing<NetworkPolicy> networkPolicies =
        submitInNamespace(
            pool, Kind.NETWORK_POLICIES, namespace, client.network().v1().networkPolicies());
    return new NamespaceKinds(
        client,
        namespace,
        pods,
        events,
        serviceAccounts,
        secrets,
        roles,
        roleBindings,
        networkPolicies);
  }

  /** Cluster-scoped kinds: nodes (for kind detection and platforms) and cluster RBAC. */
  private record ClusterKinds(
      Listing<Node> nodes,
      Listing<ClusterRole> clusterRoles,
      Listing<ClusterRoleBinding> clusterRoleBindings) {

    void take(Snapshot.Builder builder) throws ClusterUnreachableException {
      builder.addAll(nodes.take(builder));
      builder.addAll(clusterRoles.take(builder));
      builder.addAll(clusterRoleBindings.take(builder));
    }
  }

  private ClusterKinds submitClusterKinds(ExecutorService pool) {
    return new ClusterKinds(
        submitPaged(pool, Kind.NODES, null, client.nodes()::list),
        submitPaged(pool, Kind.CLUSTER_ROLES, null, client.rbac().clusterRoles()::list),
        submitPaged(
            pool, Kind.CLUSTER_ROLE_BINDINGS, null, client.rbac().clusterRoleBindings()::list));
  }

  private String findNamespace(ExecutorService pool) throws ClusterUnreachableException {
    List<String> found = AirbyteInstall.launcherNamespaces(searchLaunchers(pool));
    if (found.size() > 1) {
      logger.warn(
          "Airbyte runs in several namespaces ({}); using {}. Pass -n to choose.",
          String.join(", ", found),
          found.get(0));
    }
    return found.isEmpty() ? FALLBACK_NAMESPACE : found.get(0);
  }

  /**
   * Deployments that launch job pods, in any namespace; empty when they cannot be listed
   * cluster-wide.
   */
  private List<Deployment> searchLaunchers(ExecutorService pool)
      throws ClusterUnreachableException {
    // One equality selector per name: set-based selectors ('in') are not served by every
    // API proxy, and this is at most four small cluster-wide deployment lists.
    List<Future<List<Deployment>>> searches = new ArrayList<>();
    for (String name : LAUNCHER_NAMES) {
      searches.add(
          pool.submit(
              () ->
                  client
                      .apps()
                      .deployments()
                      .inAnyNamespace()
                      .withLabel("app.kubernetes.io/name", name)
                      .list()
                      .getItems()));
    }
    try {
      List<Deployment> launchers = new ArrayList<>();
      for (Future<List<Deployment>> search : searches) {
        launchers.addAll(Listing.await(search));
      }
      return launchers;
    } catch (KubernetesClientException e) {
      failIfUnreachable(e);
      logger.info(
          "cannot list deployments cluster-wide to find Airbyte ({}); using namespace {}",
          e.getCode(),
          FALLBACK_NAMESPACE);
      return List.of();
    }
  }

  /** The objects of {@code kind}: from the cache when it holds them, else listed in the pool. */
  private <T extends HasMetadata> Listing<T> submit(
      ExecutorService pool, Kind<T> kind, @Nullable String namespace, Callable<List<T>> list) {
    Optional<List<T>> held = cache.objects(kind, namespace);
    if (held.isEmpty()) {
      return submitList(pool, kind.resource(), kind.group(), namespace, list);
    }
    List<T> objects = held.get();
    if (kind.equals(Kind.EVENTS)) {
      // The same bounds as a LIST's events (per pod, in all), over the events the cache kept.
      EventReducer reducer = new EventReducer();
      objects.forEach(e -> reducer.add(Kind.EVENTS.type().cast(e)));
      objects = reducer.events().stream().map(kind.type()::cast).toList();
    }
    return cached(kind.resource(), kind.group(), namespace, objects);
  }

  /** {@link #submit} of a LIST read page by page. */
  private <T extends HasMetadata> Listing<T> submitPaged(
      ExecutorService pool,
      Kind<T> kind,
      @Nullable String namespace,
      Function<ListOptions, ? extends KubernetesResourceList<T>> list) {
    return submit(pool, kind, namespace, () -> Pages.all(list, Pages.PAGE));
  }

  /** {@link #submitPaged} of the objects {@code operation} reaches in {@code namespace}. */
  private <T extends HasMetadata, L extends KubernetesResourceList<T>> Listing<T> submitInNamespace(
      ExecutorService pool, Kind<T> kind, String namespace, MixedOperation<T, L, ?> operation) {
    return submitPaged(pool, kind, namespace, operation.inNamespace(namespace)::list);
  }

  private <T> Listing<T> cached(
      String resource, String group, @Nullable String namespace, List<T> objects) {
    fromCache++;
    return new Listing<>(
        resource, group, namespace, CompletableFuture.completedFuture(objects), masterUrl());
  }

  private <T> Listing<T> submitList(
      ExecutorService pool,
      String resource,
      String group,
      @Nullable String namespace,
      Callable<List<T>> call) {
    return new Listing<>(resource, group, namespace, pool.submit(call), masterUrl());
  }

  private static Thread thread(Runnable task) {
    Thread thread = new Thread(task, "pulldoctor-list");
    thread.setDaemon(true);
    return thread;
  }

  private void failIfUnreachable(KubernetesClientException e) throws ClusterUnreachableException {
    Listing.failIfUnreachable(e, masterUrl());
  }

  private String masterUrl() {
    return client.getConfiguration().getMasterUrl();
  }
}
