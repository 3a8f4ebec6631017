package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSeries;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
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

  /** The reduced event again, made with setters (a run makes every kept event again). */
  Event restore() {
    Event event = new Event();
    event.setMetadata(meta.restore());
    event.setReason(reason);
    event.setType(type);
    event.setMessage(message);
    event.setCount(count);
    event.setFirstTimestamp(firstTimestamp);
    event.setLastTimestamp(lastTimestamp);
    event.setReportingComponent(reportingComponent);
    event.setEventTime(hasEventTime ? new MicroTime(eventTime) : null);
    if (series != null) {
      EventSeries restored = new EventSeries();
      restored.setCount(series.count());
      restored.setLastObservedTime(series.hasLast() ? new MicroTime(series.lastObserved()) : null);
      event.setSeries(restored);
    }
    if (source != null) {
      EventSource restored = new EventSource();
      restored.setComponent(source.component());
      restored.setHost(source.host());
      event.setSource(restored);
    }
    if (involved != null) {
      ObjectReference restored = new ObjectReference();
      restored.setApiVersion(involved.apiVersion());
      restored.setKind(involved.kind());
      restored.setName(involved.name());
      restored.setNamespace(involved.namespace());
      restored.setUid(involved.uid());
      restored.setFieldPath(involved.fieldPath());
      event.setInvolvedObject(restored);
    }
    return event;
  }
}
