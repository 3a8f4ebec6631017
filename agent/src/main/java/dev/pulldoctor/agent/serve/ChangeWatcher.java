package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the objects of {@link WatchTargets} and reports changes, so the daemon re-runs soon after
 * one; the run itself reads the cluster again. One informer per object, each limited by namespace
 * and a field selector, without resync. Stores keep only each object's key and resourceVersion
 * ({@link ReducedStateItemStore}), so no credential bytes and no event texts stay in the heap
 * between runs. A failed first start is retried with the informer's backoff.
 */
public final class ChangeWatcher implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ChangeWatcher.class);
  // Objects created this long before the watch started are the initial list, not a change.
  private static final Duration CLOCK_SLACK = Duration.ofSeconds(60);
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

  private final KubernetesClient client;
  private final Consumer<String> onChange;
  private final Clock clock;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private @Nullable WatchTargets current;

  /**
   * A watcher.
   *
   * @param onChange receives a short description of each change, e.g. {@code Secret airbyte/regcred
   *     created}; called on the client's informer thread, so it must be quick
   */
  public ChangeWatcher(KubernetesClient client, Consumer<String> onChange, Clock clock) {
    this.client = client;
    this.onChange = onChange;
    this.clock = clock;
  }

  /** Watches {@code targets}, restarting the informers only when the targets changed. */
  public synchronized void watch(WatchTargets targets) {
    if (targets.equals(current)) {
      return;
    }
    stopAll();
    current = targets;
    Instant since = clock.instant().minus(CLOCK_SLACK);
    String ns = targets.namespace();
    String jobNs = targets.jobNamespace();
    String launcher = targets.launcher();
    if (launcher != null) {
      add(
          client.apps().deployments().inNamespace(ns).withField("metadata.name", launcher),
          Deployment.class,
          "Deployment " + ns + "/" + launcher,
          since,
          o -> true,
          true);
    }
    String configMap = targets.envConfigMap();
    if (configMap != null) {
      add(
          client.configMaps().inNamespace(ns).withField("metadata.name", configMap),
          ConfigMap.class,
          "ConfigMap " + ns + "/" + configMap,
          since,
          o -> true,
          true);
    }
    for (String secret : targets.secrets()) {
      add(
          client.secrets().inNamespace(jobNs).withField("metadata.name", secret),
          Secret.class,
          "Secret " + jobNs + "/" + secret,
          since,
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
        since,
        o -> true,
        true);
    add(
        client.v1().events().inNamespace(jobNs).withField("involvedObject.kind", "Pod"),
        Event.class,
        "a job-pod image event in " + jobNs,
        since,
        ChangeWatcher::isJobPodPullEvent,
        false);
    logger.info(
        "watching {} object(s) for changes: launcher {}, ConfigMap {}, secrets {}, service account"
            + " {}, job-pod events in {}",
        informers.size(),
        launcher,
        configMap,
        targets.secrets(),
        targets.serviceAccount(),
        jobNs);
  }

  /** How many informers run, and how many of those have a live watch. */
  public synchronized Health health() {
    int watching = (int) informers.stream().filter(SharedIndexInformer::isWatching).count();
    return new Health(informers.size(), watching);
  }

  /** Informer counts, for {@code /readyz} details and metrics. */
  public record Health(int informers, int watching) {}

  /**
   * Starts one informer.
   *
   * @param deletesMatter false for events: they expire after an hour, which changes nothing
   */
  private <T extends HasMetadata> void add(
      Informable<T> source,
      Class<T> type,
      String what,
      Instant since,
      Predicate<T> relevant,
      boolean deletesMatter) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer.itemStore(
        new ReducedStateItemStore<>(
            ReducedStateItemStore.NAME_KEY_STATE, type, client.getKubernetesSerialization()));
    informer.exceptionHandler(
        (started, failure) -> {
          // The type only: API error texts may quote the request.
          logger.debug("watch of {} failed ({}); retrying", what, failure.getClass().getName());
          return true;
        });
    informer.addEventHandler(new Handler<>(what, since, relevant, deletesMatter));
    informer.start();
    informers.add(informer);
  }

  private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String what;
    private final Instant since;
    private final Predicate<T> relevant;
    private final boolean deletesMatter;

    Handler(String what, Instant since, Predicate<T> relevant, boolean deletesMatter) {
      this.what = what;
      this.since = since;
      this.relevant = relevant;
      this.deletesMatter = deletesMatter;
    }

    @Override
    public void onAdd(T object) {
      // The informer's first list (and a re-list) adds objects that existed before: not news.
      if (createdAfter(object, since) && relevant.test(object)) {
        onChange.accept(what + " created");
      }
    }

    @Override
    public void onUpdate(T before, T after) {
      if (!Objects.equals(
              before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
          && relevant.test(after)) {
        onChange.accept(what + " changed");
      }
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      if (deletesMatter) {
        onChange.accept(what + " deleted");
      }
    }
  }

  private static boolean createdAfter(HasMetadata object, Instant since) {
    String created = object.getMetadata().getCreationTimestamp();
    if (created == null) {
      return true;
    }
    try {
      return !Instant.parse(created).isBefore(since);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private static boolean isJobPodPullEvent(Event event) {
    return event.getInvolvedObject() != null
        && ImageInventory.looksLikeJobPodName(event.getInvolvedObject().getName())
        && PULL_REASONS.contains(event.getReason());
  }

  private void stopAll() {
    informers.forEach(SharedIndexInformer::stop);
    informers.clear();
  }

  @Override
  public synchronized void close() {
    stopAll();
    current = null;
  }
}
