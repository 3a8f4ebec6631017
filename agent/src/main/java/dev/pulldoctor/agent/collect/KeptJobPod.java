package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the daemon keeps of a job pod between runs: the fields the rules read (its name, labels,
 * images and pull policies, pull secrets, service account, node, phase and each container's state)
 * and the resourceVersion the informer compares. Strings that repeat across pods (namespace, label
 * keys and values, images, names of nodes, accounts and secrets, reasons) are shared.
 *
 * <p>A terminated container keeps only that it terminated: no rule reads why.
 */
record KeptJobPod(
    KeptMeta meta,
    @Nullable String deleted,
    List<String> labels,
    @Nullable String serviceAccountName,
    @Nullable String serviceAccount,
    @Nullable String nodeName,
    List<String> pullSecrets,
    List<KeptContainer> containers,
    List<KeptContainer> initContainers,
    @Nullable KeptStatus status) {

  /** A container as a job pod's rules read it. */
  record KeptContainer(@Nullable String name, @Nullable String image, @Nullable String pullPolicy) {
    static KeptContainer of(Container container) {
      return new KeptContainer(
          Interned.text(container.getName()),
          Interned.text(container.getImage()),
          Interned.text(container.getImagePullPolicy()));
    }

    Container restore() {
      Container container = new Container();
      container.setName(name);
      container.setImage(image);
      container.setImagePullPolicy(pullPolicy);
      return container;
    }
  }

  /** The pod's phase and its containers' states. */
  record KeptStatus(
      @Nullable String phase,
      @Nullable String reason,
      @Nullable String message,
      @Nullable String startTime,
      List<KeptContainerStatus> containers,
      List<KeptContainerStatus> initContainers) {
    static KeptStatus of(PodStatus status) {
      return new KeptStatus(
          Interned.text(status.getPhase()),
          Interned.text(status.getReason()),
          status.getMessage(),
          status.getStartTime(),
          each(status.getContainerStatuses(), KeptContainerStatus::of),
          each(status.getInitContainerStatuses(), KeptContainerStatus::of));
    }

    PodStatus restore() {
      PodStatus status = new PodStatus();
      status.setPhase(phase);
      status.setReason(reason);
      status.setMessage(message);
      status.setStartTime(startTime);
      status.setContainerStatuses(restored(containers, KeptContainerStatus::restore));
      status.setInitContainerStatuses(restored(initContainers, KeptContainerStatus::restore));
      return status;
    }
  }

  /** A container's state: waiting (why), running (since when) or terminated. */
  record KeptContainerStatus(
      @Nullable String name,
      @Nullable String image,
      @Nullable String imageId,
      @Nullable Boolean ready,
      @Nullable Integer restartCount,
      @Nullable Boolean started,
      @Nullable String waitingReason,
      @Nullable String waitingMessage,
      boolean waiting,
      @Nullable String runningSince,
      boolean running,
      boolean terminated) {
    static KeptContainerStatus of(ContainerStatus status) {
      ContainerState state = status.getState() == null ? new ContainerState() : status.getState();
      ContainerStateWaiting waiting = state.getWaiting();
      ContainerStateRunning running = state.getRunning();
      return new KeptContainerStatus(
          Interned.text(status.getName()),
          Interned.text(status.getImage()),
          Interned.text(status.getImageID()),
          status.getReady(),
          status.getRestartCount(),
          status.getStarted(),
          waiting == null ? null : Interned.text(waiting.getReason()),
          waiting == null ? null : waiting.getMessage(),
          waiting != null,
          running == null ? null : running.getStartedAt(),
          running != null,
          state.getTerminated() != null);
    }

    ContainerStatus restore() {
      ContainerState state = new ContainerState();
      if (waiting) {
        ContainerStateWaiting why = new ContainerStateWaiting();
        why.setReason(waitingReason);
        why.setMessage(waitingMessage);
        state.setWaiting(why);
      }
      if (running) {
        ContainerStateRunning since = new ContainerStateRunning();
        since.setStartedAt(runningSince);
        state.setRunning(since);
      }
      if (terminated) {
        state.setTerminated(new ContainerStateTerminated());
      }
      ContainerStatus status = new ContainerStatus();
      status.setName(name);
      status.setImage(image);
      status.setImageID(imageId);
      status.setReady(ready);
      status.setRestartCount(restartCount);
      status.setStarted(started);
      status.setState(state);
      return status;
    }
  }

  /** What is kept of {@code pod}, a job pod. */
  static KeptJobPod of(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    return new KeptJobPod(
        KeptMeta.of(meta),
        meta.getDeletionTimestamp(),
        flatten(meta.getLabels()),
        Interned.text(spec.getServiceAccountName()),
        Interned.text(spec.getServiceAccount()),
        Interned.text(spec.getNodeName()),
        each(spec.getImagePullSecrets(), s -> Interned.text(s.getName())),
        each(spec.getContainers(), KeptContainer::of),
        each(spec.getInitContainers(), KeptContainer::of),
        pod.getStatus() == null ? null : KeptStatus.of(pod.getStatus()));
  }

  /**
   * The pod the rules read, made with setters: a run makes every kept pod again, and fabric8's
   * builders copy each nested object twice on the way.
   */
  Pod restore() {
    ObjectMeta metadata = meta.restore();
    metadata.setDeletionTimestamp(deleted);
    metadata.setLabels(unflatten(labels));
    PodSpec spec = new PodSpec();
    spec.setServiceAccountName(serviceAccountName);
    spec.setServiceAccount(serviceAccount);
    spec.setNodeName(nodeName);
    spec.setImagePullSecrets(restored(pullSecrets, LocalObjectReference::new));
    spec.setContainers(restored(containers, KeptContainer::restore));
    spec.setInitContainers(restored(initContainers, KeptContainer::restore));
    Pod pod = new Pod();
    pod.setMetadata(metadata);
    pod.setSpec(spec);
    pod.setStatus(status == null ? null : status.restore());
    return pod;
  }

  /** Keys and values one after the other, shared: a list costs less than a map. */
  private static List<String> flatten(@Nullable Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return List.of();
    }
    List<String> flat = new ArrayList<>(2 * map.size());
    map.forEach(
        (key, value) -> {
          // A label without a value reads as an absent one.
          if (key != null && value != null) {
            flat.add(key.intern());
            flat.add(value.intern());
          }
        });
    return flat;
  }

  /** {@code f} of each kept value, in a list of the restored object's own. */
  private static <A, B> List<B> restored(List<A> kept, Function<A, B> f) {
    List<B> objects = new ArrayList<>(kept.size());
    for (A value : kept) {
      objects.add(value == null ? null : f.apply(value));
    }
    return objects;
  }

  private static Map<String, String> unflatten(List<String> flat) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(flat.get(i), flat.get(i + 1));
    }
    return map;
  }

  /**
   * {@code f} of each value, in order, in a list of exactly that size (null stays null: a list that
   * holds one is kept as it came).
   */
  private static <A, B> List<B> each(@Nullable List<A> values, Function<A, B> f) {
    if (values == null || values.isEmpty()) {
      return List.of();
    }
    List<B> mapped = new ArrayList<>(values.size());
    for (A value : values) {
      mapped.add(value == null ? null : f.apply(value));
    }
    return mapped;
  }
}
