package dev.pulldoctor.rules.model;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.Set;

/**
 * The kubelet's image events, the only events a rule reads: what a collector keeps of a namespace's
 * events, and what {@code events.pull-failures} counts as checked.
 */
public final class ImageEvents {
  /**
   * Their reasons: {@code Pulling}, {@code Pulled}, {@code Failed}, {@code InspectFailed}, {@code
   * ErrImageNeverPull} and {@code BackOff} (kubernetes/kubernetes {@code
   * pkg/kubelet/events/event.go}), {@code FailedToRetrieveImagePullSecret} ({@code
   * pkg/kubelet/kubelet_pods.go}), and {@code InvalidImageName}, the waiting reason some runtimes
   * also report as an event. Other events (scheduling, probes, volumes) never name the image a pod
   * pulls.
   */
  public static final Set<String> REASONS =
      Set.of(
          "Pulling",
          "Pulled",
          "Failed",
          "InspectFailed",
          "ErrImageNeverPull",
          "BackOff",
          "FailedToRetrieveImagePullSecret",
          "InvalidImageName");

  private ImageEvents() {}

  /** Whether {@code event} is an image event about a named Pod. */
  public static boolean isImageEventOfPod(Event event) {
    ObjectReference involved = event.getInvolvedObject();
    return involved != null
        && "Pod".equals(involved.getKind())
        && involved.getName() != null
        && event.getReason() != null
        && REASONS.contains(event.getReason());
  }
}
