package dev.pulldoctor.rules.airbyte;

import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Finds the connector images to check: those named by the user, else those of connector job pods
 * ({@code airbyte=job-pod}, containers {@code main}, {@code source}, {@code destination}) and of
 * their pull events; in both cases plus the custom connectors Airbyte's API listed. Airbyte's own
 * images in job pods (init, sidecar, orchestrator) are not connector images and are left out.
 */
public final class ImageInventory {
  public static final String JOB_POD_LABEL = "airbyte";
  public static final String JOB_POD_VALUE = "job-pod";
  private static final Set<String> CONNECTOR_CONTAINERS = Set.of("main", "source", "destination");
  private static final Pattern CONTAINER_FIELD = Pattern.compile("spec\\.containers\\{([^}]+)}");
  private static final Pattern IMAGE_IN_MESSAGE = Pattern.compile("[Ii]mage \"([^\"]{1,512})\"");
  // Airbyte names job pods like this; their events outlive the pods, which are deleted after jobs.
  // Bounded repetitions: pod names come from the cluster.
  private static final Pattern JOB_POD_NAME =
      Pattern.compile(
          ".{1,200}-(spec|check|discover)-[0-9a-f-]{1,64}-\\d{1,9}-[a-z0-9]{5}"
              + "|replication-job-\\d{1,12}-attempt-\\d{1,6}");

  private ImageInventory() {}

  /** Whether a container of a job pod runs the connector image (not a sidecar or init). */
  public static boolean isConnectorContainer(@Nullable String name) {
    return name != null && CONNECTOR_CONTAINERS.contains(name);
  }

  /** Whether a pod name has the shape Airbyte gives job pods. */
  public static boolean looksLikeJobPodName(@Nullable String name) {
    return name != null && JOB_POD_NAME.matcher(name).matches();
  }

  /**
   * The images to check.
   *
   * @param requested images named with {@code --image}; when empty, those of job pods and events
   */
  public static List<TargetImage> collect(
      Snapshot snapshot, AirbyteInstall install, List<String> requested) {
    List<TargetImage> named =
        requested.isEmpty() ? fromPods(snapshot, install) : fromFlags(snapshot, install, requested);
    return withConnectors(named, snapshot, install);
  }

  /**
   * The images of an earlier diagnosis, judged on another snapshot of the same install (a replayed
   * fix): a fix changes how an image is pulled, never which images are wanted, even when the job
   * pods that named them are gone. The effective image follows the registry rewrite in force.
   */
  public static List<TargetImage> carried(
      List<TargetImage> before, Snapshot snapshot, AirbyteInstall install) {
    List<Pod> jobPods = jobPods(snapshot, install.jobNamespace());
    return before.stream()
        .map(
            t -> {
              // Images named by a person or by Airbyte go through the rewrite; a pod's is final.
              boolean named =
                  t.origin() == TargetImage.Origin.FLAG
                      || t.origin() == TargetImage.Origin.AIRBYTE_API;
              String effective = named ? install.effectiveImage(t.requested()) : t.effective();
              return new TargetImage(
                  t.requested(),
                  effective,
                  t.origin(),
                  podsRunning(jobPods, effective),
                  t.connectors());
            })
        .toList();
  }

  private static List<TargetImage> fromFlags(
      Snapshot snapshot, AirbyteInstall install, List<String> requested) {
    List<Pod> jobPods = jobPods(snapshot, install.jobNamespace());
    return requested.stream()
        .distinct()
        .map(
            image ->
                new TargetImage(
                    image,
                    install.effectiveImage(image),
                    TargetImage.Origin.FLAG,
                    podsRunning(jobPods, install.effectiveImage(image))))
        .toList();
  }

  private static List<TargetImage> fromPods(Snapshot snapshot, AirbyteInstall install) {
    Map<String, List<ObjectRef>> seen = new LinkedHashMap<>();
    Map<String, TargetImage.Origin> origins = new LinkedHashMap<>();
    for (Pod pod : jobPods(snapshot, install.jobNamespace())) {
      for (Container container : connectorContainers(pod)) {
        seen.computeIfAbsent(container.getImage(), k -> new ArrayList<>()).add(ObjectRef.of(pod));
        origins.putIfAbsent(container.getImage(), TargetImage.Origin.POD);
      }
    }
    // Pod names per namespace, gathered once: there are thousands of events and pods.
    Map<String, PodNames> podNames = new HashMap<>();
    for (Event event : Snapshot.inNamespace(snapshot.events(), install.jobNamespace())) {
      String image =
          connectorImageOf(
              event,
              namespace -> podNames.computeIfAbsent(namespace, n -> PodNames.of(snapshot, n)));
      if (image != null && !seen.containsKey(image)) {
        seen.put(image, new ArrayList<>());
        origins.put(image, TargetImage.Origin.EVENT);
      }
    }
    return seen.entrySet().stream()
        .map(
            e ->
                new TargetImage(
                    e.getKey(),
                    e.getKey(),
                    origins.getOrDefault(e.getKey(), TargetImage.Origin.EVENT),
                    e.getValue().stream().distinct().sorted().toList()))
        .toList();
  }

  /**
   * Adds the custom connectors Airbyte's API listed: an image already named learns which connectors
   * use it, the others join the list. Matching is on the image job pods pull, after the connector
   * image registry rewrite.
   */
  private static List<TargetImage> withConnectors(
      List<TargetImage> named, Snapshot snapshot, AirbyteInstall install) {
    Map<String, List<CustomConnector>> byImage = new LinkedHashMap<>();
    Map<String, String> registered = new LinkedHashMap<>();
    for (ConnectorDiscovery discovery : snapshot.connectorDiscoveries()) {
      for (CustomConnector connector : discovery.connectors()) {
        String effective = install.effectiveImage(connector.image());
        List<CustomConnector> connectors =
            byImage.computeIfAbsent(effective, k -> new ArrayList<>());
        if (!connectors.contains(connector)) {
          connectors.add(connector);
        }
        registered.putIfAbsent(effective, connector.image());
      }
    }
    if (byImage.isEmpty()) {
      return named;
    }
    List<TargetImage> images = new ArrayList<>();
    for (TargetImage image : named) {
      List<CustomConnector> connectors = byImage.remove(image.effective());
      if (connectors == null) {
        images.add(image);
      } else {
        // A pod only shows the rewritten name; Airbyte knows the name it was registered under.
        String requested =
            image.origin() == TargetImage.Origin.FLAG
                ? image.requested()
                : registered.getOrDefault(image.effective(), image.requested());
        images.add(
            new TargetImage(
                requested, image.effective(), image.origin(), image.pods(), connectors));
      }
    }
    List<Pod> jobPods = jobPods(snapshot, install.jobNamespace());
    byImage.forEach(
        (effective, connectors) ->
            images.add(
                new TargetImage(
                    registered.getOrDefault(effective, effective),
                    effective,
                    TargetImage.Origin.AIRBYTE_API,
                    podsRunning(jobPods, effective),
                    connectors)));
    return images;
  }

  /** Pods in the job namespace carrying Airbyte's job-pod label. */
  public static List<Pod> jobPods(Snapshot snapshot, String jobNamespace) {
    return Snapshot.inNamespace(snapshot.pods(), jobNamespace).stream()
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && JOB_POD_VALUE.equals(p.getMetadata().getLabels().get(JOB_POD_LABEL)))
        .toList();
  }

  private static List<Container> connectorContainers(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return List.of();
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> CONNECTOR_CONTAINERS.contains(c.getName()) && c.getImage() != null)
        .toList();
  }

  private static List<ObjectRef> podsRunning(List<Pod> jobPods, String image) {
    return jobPods.stream()
        .filter(p -> connectorContainers(p).stream().anyMatch(c -> image.equals(c.getImage())))
        .map(ObjectRef::of)
        .sorted()
        .toList();
  }

  /** The names of the pods in one namespace, and which of them are job pods. */
  private record PodNames(Set<String> jobPodNames, Set<String> all) {
    static PodNames of(Snapshot snapshot, String namespace) {
      return new PodNames(
          jobPods(snapshot, namespace).stream()
              .map(p -> p.getMetadata().getName())
              .collect(Collectors.toSet()),
          Snapshot.inNamespace(snapshot.pods(), namespace).stream()
              .map(p -> p.getMetadata().getName())
              .collect(Collectors.toSet()));
    }
  }

  /** The connector image an event is about, or null when it is about something else. */
  private static @Nullable String connectorImageOf(
      Event event, Function<String, PodNames> podNamesIn) {
    ObjectReference involved = event.getInvolvedObject();
    if (involved == null || !"Pod".equals(involved.getKind()) || event.getMessage() == null) {
      return null;
    }
    Matcher container =
        CONTAINER_FIELD.matcher(involved.getFieldPath() == null ? "" : involved.getFieldPath());
    if (!container.matches() || !CONNECTOR_CONTAINERS.contains(container.group(1))) {
      return null;
    }
    PodNames pods =
        podNamesIn.apply(involved.getNamespace() == null ? "" : involved.getNamespace());
    boolean podKnown = pods.all().contains(involved.getName());
    boolean jobPod =
        pods.jobPodNames().contains(involved.getName())
            || (!podKnown && JOB_POD_NAME.matcher(String.valueOf(involved.getName())).matches());
    if (!jobPod) {
      return null;
    }
    Matcher image = IMAGE_IN_MESSAGE.matcher(event.getMessage());
    return image.find() ? image.group(1) : null;
  }
}
