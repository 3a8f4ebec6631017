package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.model.ImageEvents;
import dev.pulldoctor.rules.model.WriteTimes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSeries;
import io.fabric8.kubernetes.api.model.EventSeriesBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Keeps what the rules read of a namespace's events, whatever anyone wrote into the cluster: only
 * the kubelet's image events about Pods ({@link #canMatter}), each cut to the fields the rules read
 * with its message capped at {@value #MAX_MESSAGE_CHARS} characters (head and tail: runtimes put
 * the image first and the cause last), at most {@value #MAX_EVENTS_PER_POD} per pod and {@value
 * #MAX_EVENTS} in all, the newest kept. Memory is then bounded by these counts, about 3 KiB an
 * event, not by the size or number of events in the cluster.
 *
 * <p>Events are fed one at a time as the pages of a LIST arrive ({@link #add}), so a page is
 * dropped before the next is read. Reusable where events arrive one by one (an informer's
 * transform: {@link #reduce} alone).
 */
public final class EventReducer {
  /** Message characters kept: the first and last half of this many. */
  public static final int MAX_MESSAGE_CHARS = 1024;

  /**
   * Events kept per pod. A failing pull leaves about six (Scheduled, Pulling, Failed, Error,
   * BackOff, ImagePullBackOff), each deduplicated by the kubelet with a count.
   */
  public static final int MAX_EVENTS_PER_POD = 32;

  /** Events kept in one namespace: twice the 10,000 of the benchmark's large namespace. */
  public static final int MAX_EVENTS = 20_000;

  // Names are at most 253 characters (API validation); reason, type and field path are not
  // validated in length on core/v1 events.
  private static final int MAX_FIELD_CHARS = 256;
  private static final String ELLIPSIS = " … ";

  private final TreeSet<Kept> newestLast =
      new TreeSet<>(Comparator.comparing(Kept::time).thenComparingLong(Kept::arrival));
  private final Map<String, TreeSet<Kept>> byPod = new HashMap<>();
  private long arrivals;
  private long dropped;

  /**
   * Whether a rule can read {@code event}: a kubelet image event about a Pod ({@link ImageEvents}).
   */
  public static boolean canMatter(Event event) {
    return ImageEvents.isImageEventOfPod(event);
  }

  /** Takes one event: reduced, or passed over when no rule reads it ({@link #canMatter}). */
  public void add(Event event) {
    if (!canMatter(event)) {
      dropped++;
      return;
    }
    Event reduced = reduce(event);
    Kept kept = new Kept(time(reduced), arrivals++, pod(reduced), reduced);
    TreeSet<Kept> ofPod =
        byPod.computeIfAbsent(
            kept.pod(),
            p -> new TreeSet<>(Comparator.comparing(Kept::time).thenComparingLong(Kept::arrival)));
    ofPod.add(kept);
    newestLast.add(kept);
    if (ofPod.size() > MAX_EVENTS_PER_POD) {
      forget(ofPod.first());
    }
    if (newestLast.size() > MAX_EVENTS) {
      forget(newestLast.first());
    }
  }

  /** The events kept, in the order they arrived. */
  public List<Event> events() {
    List<Kept> kept = new ArrayList<>(newestLast);
    kept.sort(Comparator.comparingLong(Kept::arrival));
    return kept.stream().map(Kept::event).toList();
  }

  /** How many events were passed over or forgotten to stay within the bounds. */
  public long dropped() {
    return dropped;
  }

  private void forget(Kept kept) {
    newestLast.remove(kept);
    TreeSet<Kept> ofPod = byPod.get(kept.pod());
    if (ofPod != null) {
      ofPod.remove(kept);
      if (ofPod.isEmpty()) {
        byPod.remove(kept.pod());
      }
    }
    dropped++;
  }

  /** A copy of {@code event} with only the fields the rules read, strings capped. */
  public static Event reduce(Event event) {
    ObjectMeta metadata = event.getMetadata() == null ? new ObjectMeta() : event.getMetadata();
    ObjectReference involved = event.getInvolvedObject();
    EventBuilder reduced =
        new EventBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(metadata.getName())
                    .withNamespace(metadata.getNamespace())
                    .withUid(metadata.getUid())
                    .withCreationTimestamp(metadata.getCreationTimestamp())
                    .build())
            .withReason(field(event.getReason()))
            .withType(field(event.getType()))
            .withMessage(message(event.getMessage()))
            .withCount(event.getCount())
            .withFirstTimestamp(event.getFirstTimestamp())
            .withLastTimestamp(event.getLastTimestamp())
            .withEventTime(time(event.getEventTime()))
            .withSeries(series(event.getSeries()))
            .withSource(source(event.getSource()))
            .withReportingComponent(field(event.getReportingComponent()));
    if (involved != null) {
      reduced.withInvolvedObject(
          new ObjectReferenceBuilder()
              .withApiVersion(involved.getApiVersion())
              .withKind(involved.getKind())
              .withName(involved.getName())
              .withNamespace(involved.getNamespace())
              .withUid(involved.getUid())
              .withFieldPath(field(involved.getFieldPath()))
              .build());
    }
    return reduced.build();
  }

  /** Cut to {@value #MAX_MESSAGE_CHARS} characters, keeping its head and its tail. */
  static @Nullable String message(@Nullable String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int half = (MAX_MESSAGE_CHARS - ELLIPSIS.length()) / 2;
    return message.substring(0, half) + ELLIPSIS + message.substring(message.length() - half);
  }

  private static @Nullable String field(@Nullable String value) {
    return value == null || value.length() <= MAX_FIELD_CHARS
        ? value
        : value.substring(0, MAX_FIELD_CHARS);
  }

  private static @Nullable MicroTime time(@Nullable MicroTime time) {
    return time == null ? null : new MicroTime(field(time.getTime()));
  }

  private static @Nullable EventSeries series(@Nullable EventSeries series) {
    return series == null
        ? null
        : new EventSeriesBuilder()
            .withCount(series.getCount())
            .withLastObservedTime(time(series.getLastObservedTime()))
            .build();
  }

  private static @Nullable EventSource source(@Nullable EventSource source) {
    return source == null
        ? null
        : new EventSourceBuilder()
            .withComponent(field(source.getComponent()))
            .withHost(field(source.getHost()))
            .build();
  }

  private static String pod(Event event) {
    ObjectReference involved = Objects.requireNonNull(event.getInvolvedObject());
    return Objects.requireNonNullElse(involved.getNamespace(), "") + "/" + involved.getName();
  }

  /** When the event was last seen, as the rules read it; events without a time go first. */
  private static Instant time(Event event) {
    for (String candidate :
        new String[] {
          event.getLastTimestamp(),
          event.getSeries() == null || event.getSeries().getLastObservedTime() == null
              ? null
              : event.getSeries().getLastObservedTime().getTime(),
          event.getEventTime() == null ? null : event.getEventTime().getTime(),
          event.getFirstTimestamp(),
          event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp()
        }) {
      Instant parsed = WriteTimes.parse(candidate);
      if (parsed != null) {
        return parsed;
      }
    }
    return Instant.MIN;
  }

  private record Kept(Instant time, long arrival, String pod, Event event) {}
}
