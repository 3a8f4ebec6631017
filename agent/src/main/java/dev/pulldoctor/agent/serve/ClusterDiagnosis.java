package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.AccessReviewCache;
import dev.pulldoctor.agent.collect.CachedKinds;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's diagnosis: the cluster as the change watcher's informers hold it ({@link #readFrom};
 * a kind they cannot answer for is listed), then what Airbyte's API lists and what the registries
 * answer ({@link SnapshotStep}), then every rule. Access reviews are asked again only when the RBAC
 * objects changed or the kept answers are older than the cache allows ({@link AccessReviewCache}).
 * The Airbyte namespace, when not given, is looked up until an install is found and then kept,
 * which saves the cluster-wide lookups on every later run. Once the namespace is known, a run first
 * lets the informers finish the lists they are reading (at most {@link #FIRST_LISTS}): the first
 * run then reads the namespace once, pruned page by page, instead of a second time whole.
 */
public final class ClusterDiagnosis implements DiagnosisRun {
  /** How long a run waits for the informers' first lists before it lists what they lack. */
  static final Duration FIRST_LISTS = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final @Nullable String context;
  private final List<String> images;
  private final boolean offline;
  private final SnapshotStep afterCollection;
  private final RuleEngine engine;
  private final Clock clock;
  private final AccessReviewCache reviewCache;
  private volatile @Nullable String namespace;
  private volatile CachedKinds cache = CachedKinds.NONE;

  /**
   * A diagnosis of one cluster.
   *
   * @param namespace the Airbyte namespace, or null to find it
   * @param context the kubeconfig context name, for the report
   * @param images images to check; empty to discover them from job pods and events
   * @param offline whether rules may not make network calls besides the Kubernetes API
   * @param afterCollection what each run adds to the collected snapshot (discovery, probes)
   * @param reviewCache the access-review answers kept between runs
   */
  public ClusterDiagnosis(
      KubernetesClient client,
      @Nullable String namespace,
      @Nullable String context,
      List<String> images,
      boolean offline,
      SnapshotStep afterCollection,
      List<Rule> rules,
      Clock clock,
      AccessReviewCache reviewCache) {
    this.client = client;
    this.namespace = namespace;
    this.context = context;
    this.images = List.copyOf(images);
    this.offline = offline;
    this.afterCollection = afterCollection;
    this.engine = new RuleEngine(rules);
    this.clock = clock;
    this.reviewCache = reviewCache;
  }

  @Override
  public void readFrom(CachedKinds cache) {
    this.cache = cache;
  }

  /**
   * A live collection, whole objects read afresh, plus discovery and probes: what a support bundle
   * holds.
   */
  public Snapshot snapshot() throws ClusterUnreachableException {
    return snapshot(CachedKinds.NONE);
  }

  private Snapshot snapshot(CachedKinds from) throws ClusterUnreachableException {
    return afterCollection.apply(
        new ClusterCollector(client, clock, reviewCache, from).collect(namespace, context));
  }

  /** A run: the kinds the watch caches hold read from memory, the others listed. */
  @Override
  public Diagnosed run() throws ClusterUnreachableException {
    String known = namespace;
    if (known != null) {
      try {
        cache.awaitFirstLists(known, FIRST_LISTS);
      } catch (InterruptedException e) {
        // Stopping: keep the interrupt, which ends the collection that follows at once.
        Thread.currentThread().interrupt();
      }
    }
    Snapshot snapshot = snapshot(cache);
    List<CollectionError> serverErrors =
        snapshot.collectionErrors().stream()
            .filter(e -> e.httpStatus() >= 500 || e.httpStatus() == 429)
            .toList();
    Diagnosis diagnosis = Diagnosis.of(snapshot, snapshot.capturedAt(), offline, images);
    if (namespace == null && diagnosis.install().jobLauncher().isPresent()) {
      namespace = diagnosis.install().namespace();
    }
    Report report = engine.run(diagnosis, clock.instant());
    return new Diagnosed(Usernames.of(snapshot).redact(report), serverErrors);
  }
}
