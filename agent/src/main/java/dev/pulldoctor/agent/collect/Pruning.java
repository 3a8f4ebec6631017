package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What a long-lived cache keeps of each object it is sent: the fields the rules read, nothing a
 * rule never looks at. Applied once, on arrival, to the object the informer just decoded, so the
 * dropped parts are garbage at once. Kept whole: what the rules read in full (Deployments,
 * ConfigMaps and ServiceAccounts, whose {@code managedFields} tell when they were last written).
 * Dropped everywhere: {@code kubectl}'s last-applied copy of the object.
 *
 * <p>Job pods, thousands in a busy namespace, keep of each container its name, image and pull
 * policy only (no environment, mounts, probes or resources): the rules read the images a job pod
 * pulls, its pull secrets, service account, node and status. Other pods (the launcher's, whose
 * environment {@code launcher.rollout} compares with its Deployment) keep their containers whole.
 * Events keep what {@link EventReducer#reduce} keeps, and only those a rule reads ({@link
 * EventReducer#canMatter}).
 */
public final class Pruning {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private Pruning() {}

  /** What a cache of {@code kind} keeps of each object; null from the function: nothing. */
  @SuppressWarnings("unchecked") // each branch returns the function for its own kind's class
  public static <T extends HasMetadata> UnaryOperator<@Nullable T> of(Kind<T> kind) {
    if (kind.equals(Kind.PODS)) {
      return o -> o == null ? null : (T) pod((Pod) o);
    }
    if (kind.equals(Kind.EVENTS)) {
      return o -> o == null ? null : (T) event((Event) o);
    }
    if (kind.equals(Kind.NODES)) {
      return o -> o == null ? null : (T) node((Node) o);
    }
    if (kind.equals(Kind.DEPLOYMENTS)
        || kind.equals(Kind.CONFIG_MAPS)
        || kind.equals(Kind.SERVICE_ACCOUNTS)) {
      return o -> o == null ? null : withoutLastApplied(o);
    }
    return o -> o == null ? null : withoutBookkeeping(o);
  }

  static Pod pod(Pod pod) {
    withoutBookkeeping(pod);
    PodSpec spec = pod.getSpec();
    if (spec != null && isJobPod(pod)) {
      spec.setContainers(imagesOnly(spec.getContainers()));
      spec.setInitContainers(imagesOnly(spec.getInitContainers()));
      spec.setVolumes(null);
      spec.setAffinity(null);
    }
    return pod;
  }

  /**
   * What {@link EventReducer#reduce} keeps, with the resourceVersion, by which the informer tells a
   * change from the same event sent again; null for an event no rule reads.
   */
  static @Nullable Event event(Event event) {
    if (!EventReducer.canMatter(event)) {
      return null;
    }
    Event reduced = EventReducer.reduce(event);
    reduced.getMetadata().setResourceVersion(event.getMetadata().getResourceVersion());
    return reduced;
  }

  static Node node(Node node) {
    withoutBookkeeping(node);
    if (node.getStatus() != null) {
      node.getStatus().setVolumesAttached(null);
      node.getStatus().setVolumesInUse(null);
    }
    return node;
  }

  private static boolean isJobPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return (labels != null
            && ImageInventory.JOB_POD_VALUE.equals(labels.get(ImageInventory.JOB_POD_LABEL)))
        || ImageInventory.looksLikeJobPodName(pod.getMetadata().getName());
  }

  private static @Nullable List<Container> imagesOnly(@Nullable List<Container> containers) {
    return containers == null
        ? null
        : containers.stream()
            .map(
                c ->
                    new ContainerBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withImagePullPolicy(c.getImagePullPolicy())
                        .build())
            .toList();
  }

  /** Drops {@code managedFields} and the last-applied annotation. */
  private static <T extends HasMetadata> T withoutBookkeeping(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return withoutLastApplied(object);
  }

  private static <T extends HasMetadata> T withoutLastApplied(T object) {
    ObjectMeta metadata = object.getMetadata();
    if (metadata != null
        && metadata.getAnnotations() != null
        && metadata.getAnnotations().containsKey(LAST_APPLIED)) {
      Map<String, String> annotations = new HashMap<>(metadata.getAnnotations());
      annotations.remove(LAST_APPLIED);
      metadata.setAnnotations(annotations);
    }
    return object;
  }
}
