package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The attack run's namespace, for {@link HostileEventsTest} and the benchmark harness ({@code
 * bench/run --only hostile}): the {@code abctl-missing-pull-secret} example (Airbyte installed and
 * starting job pods in {@value #NAMESPACE}) plus events anyone who may create events can write
 * there: {@value #CHATTY_EVENTS} of 1 KiB about {@value #CHATTY_PODS} pods and {@value
 * #HUGE_EVENTS} of 1 MiB about {@value #HUGE_PODS} pods, none of them job pods. Deterministic.
 */
public final class HostileNamespace {
  /** The example's namespace: the Airbyte namespace and the job namespace. */
  public static final String NAMESPACE = "airbyte-abctl";

  public static final String EXAMPLE = "abctl-missing-pull-secret";
  public static final int CHATTY_EVENTS = 10_000;
  public static final int CHATTY_PODS = 50;
  public static final int CHATTY_MESSAGE = 1024;
  public static final int HUGE_EVENTS = 100;
  public static final int HUGE_PODS = 2;
  public static final int HUGE_MESSAGE = 1 << 20;

  private HostileNamespace() {}

  /** The example's objects, in its order, then the noise events. */
  public static List<HasMetadata> objects(Path examples) throws InputException {
    List<HasMetadata> objects =
        new ArrayList<>(new ManifestReader().read(List.of(examples.resolve(EXAMPLE))).objects());
    objects.addAll(noise());
    return objects;
  }

  /** The noise events alone: the 1 KiB ones first, then the 1 MiB ones. */
  public static List<Event> noise() {
    List<Event> events = new ArrayList<>(CHATTY_EVENTS + HUGE_EVENTS);
    String chatty = "x".repeat(CHATTY_MESSAGE);
    for (int i = 0; i < CHATTY_EVENTS; i++) {
      events.add(noise("chatty-" + (i % CHATTY_PODS), i, chatty));
    }
    String huge = "y".repeat(HUGE_MESSAGE);
    for (int i = 0; i < HUGE_EVENTS; i++) {
      events.add(noise("huge-" + (i % HUGE_PODS), 20_000 + i, huge));
    }
    return events;
  }

  /**
   * A kubelet-looking image event about a pod that is not a job pod, seen {@code second} seconds
   * into the day.
   */
  private static Event noise(String pod, int second, String message) {
    String time = Instant.parse("2026-11-23T00:00:00Z").plusSeconds(second).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withName(pod + "." + second)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withName(pod)
        .withNamespace(NAMESPACE)
        .endInvolvedObject()
        // An image reason: a flood that looks relevant is what the bounds must hold against.
        .withReason("Failed")
        .withType("Normal")
        .withMessage(message)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }
}
