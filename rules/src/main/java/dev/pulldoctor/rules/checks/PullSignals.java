package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.classify.Classification;
import dev.pulldoctor.rules.classify.PullErrorClassifier;
import dev.pulldoctor.rules.model.ImageEvents;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.WriteTimes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The signs of failed image pulls of job pods: waiting container states and kubelet events, each
 * with the image it is about (when it can be told) and its classified cause.
 */
final class PullSignals {
  private static final Set<String> WAITING_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
  // InspectFailed is what the kubelet records for an invalid image name; InvalidImageName is the
  // container state, kept for dumps that copy it into events.
  private static final Set<String> CAUSE_REASONS =
      Set.of("ErrImageNeverPull", "InvalidImageName", "InspectFailed");
  private static final Pattern IMAGE_IN_MESSAGE =
      Pattern.compile("(?:[Ii]mage|image tag) \"([^\"]{1,512})\"");
  private static final Pattern CONTAINER_FIELD =
      Pattern.compile("spec\\.(?:initContainers|containers)\\{([^}]{1,253})}");

  /** Where a signal comes from. */
  enum Kind {
    /** A container of a live job pod waits with a pull error. */
    STATUS,
    /** A pull attempt the kubelet reported as failed (it names the error). */
    ATTEMPT,
    /** A back-off or "Error: ErrImagePull" event, which repeats an earlier attempt's outcome. */
    REPEAT,
    /** FailedToRetrieveImagePullSecret: a named pull secret is missing. */
    SECRET_MISSING
  }

  /**
   * One sign of a failed pull.
   *
   * @param image the image, null when the event names none and the pod is gone
   * @param pod the job pod's name
   * @param time when it was last seen; null for a container state, which is current
   * @param count how many times the event was seen
   */
  record Signal(
      Kind kind,
      @Nullable String image,
      String pod,
      @Nullable Instant time,
      int count,
      String message,
      Classification classification) {

    boolean within(Instant since) {
      return time == null || !time.isBefore(since);
    }
  }

  /**
   * What was found in the job namespace.
   *
   * @param signals every sign of a failed pull, in or out of any window
   * @param jobPods how many job pods there are
   * @param jobPodEvents how many image events ({@link ImageEvents}) are about job pods
   */
  record Found(List<Signal> signals, int jobPods, int jobPodEvents) {}

  private PullSignals() {}

  static Found collect(Snapshot snapshot, List<Pod> jobPods, String namespace) {
    Map<String, Pod> byName =
        jobPods.stream()
            .collect(
                Collectors.toMap(p -> p.getMetadata().getName(), Function.identity(), (a, b) -> a));
    Set<String> otherPods =
        Snapshot.inNamespace(snapshot.pods(), namespace).stream()
            .map(p -> p.getMetadata().getName())
            .filter(n -> !byName.containsKey(n))
            .collect(Collectors.toSet());
    List<Signal> signals = new ArrayList<>();
    for (Pod pod : jobPods) {
      signals.addAll(fromStatus(pod));
    }
    int jobPodEvents = 0;
    for (Event event : Snapshot.inNamespace(snapshot.events(), namespace)) {
      ObjectReference involved = event.getInvolvedObject();
      if (involved == null || !"Pod".equals(involved.getKind()) || involved.getName() == null) {
        continue;
      }
      String podName = involved.getName();
      boolean jobPod =
          byName.containsKey(podName)
              || (!otherPods.contains(podName) && ImageInventory.looksLikeJobPodName(podName));
      if (!jobPod) {
        continue;
      }
      if (!ImageEvents.REASONS.contains(event.getReason())) {
        // Scheduling, probes, volumes: no pull to judge. A collector keeps none of them.
        continue;
      }
      jobPodEvents++;
      fromEvent(event, byName.get(podName)).ifPresent(signals::add);
    }
    return new Found(signals, jobPods.size(), jobPodEvents);
  }

  /** The connector images of a job pod, for signals that name no image. */
  static List<String> connectorImages(@Nullable Pod pod) {
    PodSpec spec = pod == null ? null : pod.getSpec();
    if (spec == null || spec.getContainers() == null) {
      return List.of();
    }
    return spec.getContainers().stream()
        .filter(c -> ImageInventory.isConnectorContainer(c.getName()) && c.getImage() != null)
        .map(Container::getImage)
        .distinct()
        .toList();
  }

  private static List<Signal> fromStatus(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return List.of();
    }
    List<Signal> signals = new ArrayList<>();
    Stream.concat(
            Optional.ofNullable(status.getInitContainerStatuses()).orElse(List.of()).stream(),
            Optional.ofNullable(status.getContainerStatuses()).orElse(List.of()).stream())
        .forEach(
            s -> {
              ContainerStateWaiting waiting =
                  s.getState() == null ? null : s.getState().getWaiting();
              if (waiting != null && WAITING_REASONS.contains(waiting.getReason())) {
                String message =
                    waiting.getMessage() == null || waiting.getMessage().isBlank()
                        ? waiting.getReason()
                        : waiting.getMessage();
                signals.add(
                    new Signal(
                        Kind.STATUS,
                        imageOf(pod, s),
                        pod.getMetadata().getName(),
                        null,
                        1,
                        message,
                        PullErrorClassifier.classify(message)));
              }
            });
    return signals;
  }

  private static @Nullable String imageOf(Pod pod, ContainerStatus status) {
    String fromSpec = containerImage(pod, status.getName());
    return fromSpec != null ? fromSpec : status.getImage();
  }

  private static Optional<Signal> fromEvent(Event event, @Nullable Pod pod) {
    String reason = String.valueOf(event.getReason());
    String message = event.getMessage() == null ? "" : event.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    Kind kind;
    if (reason.equals("FailedToRetrieveImagePullSecret")) {
      kind = Kind.SECRET_MISSING;
    } else if (reason.equals("BackOff") && lower.startsWith("back-off pulling image")) {
      kind = Kind.REPEAT;
    } else if (reason.equals("Failed") && (lower.contains("image") || lower.contains("pull"))) {
      kind = lower.startsWith("error: ") ? Kind.REPEAT : Kind.ATTEMPT;
    } else if (CAUSE_REASONS.contains(reason)) {
      kind = Kind.ATTEMPT;
    } else {
      return Optional.empty();
    }
    return Optional.of(
        new Signal(
            kind,
            imageOf(event, message, pod),
            event.getInvolvedObject().getName(),
            time(event),
            event.getCount() != null
                ? Math.max(1, event.getCount())
                : event.getSeries() != null && event.getSeries().getCount() != null
                    ? Math.max(1, event.getSeries().getCount())
                    : 1,
            message.isBlank() ? reason : message,
            PullErrorClassifier.classify(message.isBlank() ? reason : message)));
  }

  private static @Nullable String imageOf(Event event, String message, @Nullable Pod pod) {
    Matcher named = IMAGE_IN_MESSAGE.matcher(message);
    if (named.find()) {
      return named.group(1);
    }
    String fieldPath = event.getInvolvedObject().getFieldPath();
    Matcher container = CONTAINER_FIELD.matcher(fieldPath == null ? "" : fieldPath);
    if (pod != null && container.matches()) {
      return containerImage(pod, container.group(1));
    }
    return null;
  }

  private static @Nullable String containerImage(Pod pod, @Nullable String name) {
    PodSpec spec = pod.getSpec();
    if (spec == null || name == null) {
      return null;
    }
    return Stream.concat(
            Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).stream(),
            Optional.ofNullable(spec.getContainers()).orElse(List.of()).stream())
        .filter(c -> name.equals(c.getName()) && c.getImage() != null)
        .map(Container::getImage)
        .findFirst()
        .orElse(null);
  }

  /** Last seen: lastTimestamp, else the series' last observation, eventTime, firstTimestamp. */
  static @Nullable Instant time(Event event) {
    Instant last = WriteTimes.parse(event.getLastTimestamp());
    if (last != null) {
      return last;
    }
    if (event.getSeries() != null) {
      Instant series = WriteTimes.parse(micro(event.getSeries().getLastObservedTime()));
      if (series != null) {
        return series;
      }
    }
    Instant eventTime = WriteTimes.parse(micro(event.getEventTime()));
    return eventTime != null ? eventTime : WriteTimes.parse(event.getFirstTimestamp());
  }

  private static @Nullable String micro(@Nullable MicroTime time) {
    return time == null ? null : time.getTime();
  }
}
