package dev.pulldoctor.agent.serve;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;

/**
 * After each run, one full collection, so the daemon gives back between runs the heap a run grew.
 *
 * <p>Why: a run makes every kept job pod and event an object again (the rules read fabric8 objects)
 * and holds them until the report is made. The young generation is too small to hold them all, so
 * part of them is promoted and the old generation grows; the serial collector (the image's) shrinks
 * it again only in a full collection, and the daemon otherwise has none between runs. It runs after
 * the report is served, so it delays no report; it compacts what is live (about 30 MiB on the large
 * namespace, docs/daemon.md, "Footprint"; its own time is not measured apart). Other collectors
 * return memory by themselves, or not at all, so under them this does nothing. {@code
 * -XX:+DisableExplicitGC} turns it off.
 */
public final class HeapReturn implements Consumer<RunRecord> {
  // The serial collector's old-generation collector, as the JVM names it.
  private static final String SERIAL_FULL = "MarkSweepCompact";

  private HeapReturn() {}

  /** A full collection after each run under the serial collector, nothing under others. */
  public static Consumer<RunRecord> forThisJvm() {
    return forCollectors(
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
  }

  static Consumer<RunRecord> forCollectors(List<String> collectorNames) {
    return collectorNames.contains(SERIAL_FULL) ? new HeapReturn() : record -> {};
  }

  @Override
  @SuppressWarnings("SystemGc") // the point: the serial collector shrinks only in a full one
  public void accept(RunRecord record) {
    System.gc();
  }
}
