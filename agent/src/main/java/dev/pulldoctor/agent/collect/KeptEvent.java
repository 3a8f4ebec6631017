package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSeries;
import io.fabric8.kubernetes.api.model.EventSeriesBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import org.jspecify.annotations.Nullable;

/**
 * What the daemon keeps of an event between runs: the fields {@link EventReducer#reduce} keeps,
 * with the resourceVersion, as one record. {@link #restore} makes the reduced event again, equal to
 * the one it was made from. Strings that repeat across events (namespace, reasons, kinds, the
 * reporting component and node) are shared.
 */
record KeptEvent(
    KeptMeta meta,
    @Nullable String reason,
    @Nullable String type,
    @Nullable String message,
    @Nullable Integer count,
    @Nullable String firstTimestamp,
    @Nullable String lastTimestamp,
    @Nullable String eventTime,
    boolean hasEventTime,
    @Nullable KeptSeries series,
    @Nullable KeptSource source,
    @Nullable String reportingComponent,
    @Nullable KeptReference involved) {

  /** The event's series: how many times, last when. */
  record KeptSeries(@Nullable Integer count, @Nullable String lastObserved, boolean hasLast) {}

  /** Who reported it. */
  record KeptSource(@Nullable String component, @Nullable String host) {}

  /** What it is about. */
  record KeptReference(
      @Nullable String apiVersion,
      @Nullable String kind,
      @Nullable String name,
      @Nullable String namespace,
      @Nullable String uid,
      @Nullable String fieldPath) {}

  /** What is kept of {@code reduced}, an event as {@link EventReducer#reduce} left it. */
  static KeptEvent of(Event reduced) {
    EventSeries series = reduced.getSeries();
    EventSource source = reduced.getSource();
    ObjectReference involved = reduced.getInvolvedObject();
    MicroTime eventTime = reduced.getEventTime();
    return new KeptEvent(
        KeptMeta.of(reduced.getMetadata()),
        Interned.text(reduced.getReason()),
        Interned.text(reduced.getType()),
        reduced.getMessage(),
        reduced.getCount(),
        reduced.getFirstTimestamp(),
        reduced.getLastTimestamp(),
        eventTime == null ? null : eventTime.getTime(),
        eventTime != null,
        series == null
            ? null
            : new KeptSeries(
                series.getCount(),
                series.getLastObservedTime() == null
                    ? null
                    : series.getLastObservedTime().getTime(),
                series.getLastObservedTime() != null),
        source == null
            ? null
            : new KeptSource(Interned.text(source.getComponent()), Interned.text(source.getHost())),
        Interned.text(reduced.getReportingComponent()),
        involved == null
            ? null
            : new KeptReference(
                Interned.text(involved.getApiVersion()),
                Interned.text(involved.getKind()),
                involved.getName(),
                Interned.text(involved.getNamespace()),
                involved.getUid(),
                Interned.text(involved.getFieldPath())));
  }

  /** The reduced event again. */
  Event restore() {
    EventBuilder event =
        new EventBuilder()
            .withMetadata(meta.restore().build())
            .withReason(reason)
            .withType(type)
            .withMessage(message)
            .withCount(count)
            .withFirstTimestamp(firstTimestamp)
            .withLastTimestamp(lastTimestamp)
            .withReportingComponent(reportingComponent);
    if (hasEventTime) {
      event.withEventTime(new MicroTime(eventTime));
    }
    if (series != null) {
      EventSeriesBuilder restored = new EventSeriesBuilder().withCount(series.count());
      if (series.hasLast()) {
        restored.withLastObservedTime(new MicroTime(series.lastObserved()));
      }
      event.withSeries(restored.build());
    }
    if (source != null) {
      event.withSource(
          new EventSourceBuilder()
              .withComponent(source.component())
              .withHost(source.host())
              .build());
    }
    if (involved != null) {
      event.withInvolvedObject(
          new ObjectReferenceBuilder()
              .withApiVersion(involved.apiVersion())
              .withKind(involved.kind())
              .withName(involved.name())
              .withNamespace(involved.namespace())
              .withUid(involved.uid())
              .withFieldPath(involved.fieldPath())
              .build());
    }
    return event.build();
  }
}
