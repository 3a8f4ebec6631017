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
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private @Nullable WatchTargets current;

  /**
   * A watcher.
   *
   * @param onChange receives a short description of each change, e.g. {@code Secret airbyte/regcred
   *     created}; called on the client's informer thread, so it must be quick
   */
  public ChangeWatcher(KubernetesClient client, Consumer<String> onChange) {
    this.client = client;
    this.onChange = onChange;
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
    add(
        // No field selector: most events in Airbyte's namespaces are about pods anyway, and the
        // handler keeps only job-pod image events.
        client.v1().events().inNamespace(jobNs),
        Event.class,
        "a job-pod image event in " + jobNs,
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
    informer.addEventHandler(new Handler<>(what, relevant, deletesMatter));
    informer.start();
    informers.add(informer);
  }

  /**
   * Turns informer notifications into changes. The informer calls one handler from one thread at a
   * time, in order: {@code onBeforeList}, the list's adds and updates, {@code onList}.
   */
  private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String what;
    private final Predicate<T> relevant;
    private final boolean deletesMatter;
    private boolean listing;
    private boolean listedOnce;

    Handler(String what, Predicate<T> relevant, boolean deletesMatter) {
      this.what = what;
      this.relevant = relevant;
      this.deletesMatter = deletesMatter;
    }

    @Override
    public void onBeforeList(String resourceVersion) {
      listing = true;
    }

    @Override
    public void onList(String resourceVersion, boolean empty) {
      listing = false;
      listedOnce = true;
    }

    @Override
    public void onAdd(T object) {
      // The first list adds what existed when the last run read the cluster: not news. A later
      // re-list (after the watch fell behind) adds only what is new since.
      if (!(listing && !listedOnce) && relevant.test(object)) {
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

  private static boolean isJobPodPullEvent(Event event) {
    return event.getInvolvedObject() != null
        && "Pod".equals(event.getInvolvedObject().getKind())
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
