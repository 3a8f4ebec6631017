package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a long-lived cache keeps of each object it is sent: the fields the rules read, nothing a
 * rule never looks at. Applied once, on arrival, to the object the informer just decoded, so the
 * dropped parts are garbage at once. Kept whole: what the rules read in full (Deployments,
 * ConfigMaps and ServiceAccounts, whose {@code managedFields} tell when they were last written).
 * Dropped everywhere: {@code kubectl}'s last-applied copy of the object.
 *
 * <p>Job pods, thousands in a busy namespace, are kept as {@link KeptJobPod}s: of each container
 * its name, image and pull policy only (no environment, mounts, probes or resources), and of the
 * pod what the rules read: its labels, pull secrets, service account, node, phase and its
 * containers' states. Other pods (the launcher's, whose environment {@code launcher.rollout}
 * compares with its Deployment) are kept whole. Events keep what {@link EventReducer#reduce} keeps,
 * as {@link KeptEvent}s, and only those a rule reads ({@link EventReducer#canMatter}).
 */
public final class Pruning {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private Pruning() {}

  /** How a cache of {@code kind} keeps each object; nothing of those no rule reads. */
  @SuppressWarnings("unchecked") // each branch keeps objects of its own kind's class
  public static <T extends HasMetadata> Keeping<T, ?> of(Kind<T> kind) {
    if (kind.equals(Kind.PODS)) {
      return (Keeping<T, ?>) PODS;
    }
    if (kind.equals(Kind.EVENTS)) {
      return (Keeping<T, ?>) EVENTS;
    }
    if (kind.equals(Kind.NODES)) {
      return Keeping.asObjects(o -> o == null ? null : (T) node((Node) o));
    }
    if (kind.equals(Kind.DEPLOYMENTS)
        || kind.equals(Kind.CONFIG_MAPS)
        || kind.equals(Kind.SERVICE_ACCOUNTS)) {
      return Keeping.asObjects(o -> o == null ? null : withoutLastApplied(o));
    }
    return Keeping.asObjects(o -> o == null ? null : withoutBookkeeping(o));
  }

  /** Job pods as {@link KeptJobPod}s; other pods (a handful) as objects. */
  private static final Keeping<Pod, Object> PODS =
      new Keeping<>() {
        @Override
        public Object keep(Pod pod) {
          return isJobPod(pod) ? KeptJobPod.of(pod) : withoutBookkeeping(pod);
        }

        @Override
        public Pod restore(Object kept) {
          return kept instanceof KeptJobPod jobPod ? jobPod.restore() : (Pod) kept;
        }
      };

  /** Events a rule reads, as {@link KeptEvent}s of their reduced form. */
  private static final Keeping<Event, KeptEvent> EVENTS =
      new Keeping<>() {
        @Override
        public @Nullable KeptEvent keep(Event event) {
          Event reduced = event(event);
          return reduced == null ? null : KeptEvent.of(reduced);
        }

        @Override
        public Event restore(KeptEvent kept) {
          return kept.restore();
        }
      };

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
