package dev.pulldoctor.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The rows of the {@code hostile} section, written from what one measurement found. */
final class HostileRows {
  private HostileRows() {}

  /** What one measurement found, gathered before the rows are written. */
  static final class Result {
    boolean alive;
    String readyz = "none: the process had exited";
    boolean readyzOk;
    long failedRuns;
    long allRuns;
    long watchRestarts;
    double heapUsed;
    double heapCommitted;
    double heapAfterGc;
    long maxHeap;
    String firstRunHeap = "n/a";
    String firstRunNmt = "n/a";
    long peak = -1;
    int exitCode;
    String nmt = "";
    @Nullable String stoppedAt;
    double seconds;
    double firstRun;
    Samples runTimes = new Samples();
    int requested;
    Map<String, List<Long>> samples = Map.of();
    String log = "";
  }

  /**
   * The section's rows for {@code r}.
   *
   * @param limitMib the chart's memory limit
   * @param jvm the JVM options the process ran with, as shown
   */
  static List<Row> of(Result r, long limitMib, String jvm) {
    List<Row> rows = new ArrayList<>();
    List<Long> all = new ArrayList<>();
    r.samples.values().forEach(all::addAll);
    long sampledMax = all.stream().mapToLong(Long::longValue).max().orElse(0);
    long peak = Math.max(r.peak, sampledMax);
    double peakMib = peak / 1048576.0;
    rows.add(
        new Row(
            HostileBench.SECTION,
            String.format(
                Locale.ROOT,
                "peak RSS of `serve` %s; `VmHWM`%s, and the largest of %d samples taken every"
                    + " second; the chart's memory limit is %d MiB",
                r.stoppedAt == null
                    ? String.format(
                        Locale.ROOT,
                        "over %.0f s: first run, the informers' first lists, %d runs asked for",
                        r.seconds,
                        r.requested)
                    : String.format(
                        Locale.ROOT,
                        "over the %.0f s until it exited (%s)",
                        r.seconds,
                        r.stoppedAt),
                r.peak < 0 ? " (not read: the process had exited)" : "",
                all.size(),
                limitMib),
            String.format(
                Locale.ROOT,
                "%s; samples: %s",
                r.peak < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", r.peak / 1048576.0),
                Samples.mib(all)),
            "≤ " + limitMib + " MiB",
            peakMib > limitMib
                ? String.format(Locale.ROOT, "missed by %.0f MiB", peakMib - limitMib)
                : r.stoppedAt != null
                    ? String.format(
                        Locale.ROOT,
                        "not measured to the end: serve exited during %s, %.0f MiB under until"
                            + " then",
                        r.stoppedAt,
                        limitMib - peakMib)
                    : String.format(Locale.ROOT, "met (%.0f MiB under)", limitMib - peakMib)));
    for (Map.Entry<String, List<Long>> phase : r.samples.entrySet()) {
      rows.add(
          Row.of(
              HostileBench.SECTION,
              "  RSS during " + phase.getKey(),
              Samples.mib(phase.getValue())));
    }
    boolean up = r.alive && r.stoppedAt == null;
    rows.add(
        new Row(
            HostileBench.SECTION,
            "`serve` stays up: the process alive at the end, `/readyz`, runs that failed (of all"
                + " runs), watches re-opened",
            r.alive
                ? String.format(
                    Locale.ROOT,
                    "alive; `/readyz` %s; %d of %d runs failed; %d watches re-opened",
                    r.readyz,
                    r.failedRuns,
                    r.allRuns,
                    r.watchRestarts)
                : "exited with " + r.exitCode + " " + exitNote(r.log) + " during " + r.stoppedAt,
            "alive, `/readyz` 200",
            up && r.readyzOk && r.failedRuns == 0
                ? "met"
                : !up
                    ? "missed: the process exited"
                    : !r.readyzOk ? "missed: `/readyz` not 200" : "missed: runs failed"));
    rows.add(
        Row.of(
            HostileBench.SECTION,
            "  run durations (`pulldoctor_run_duration_seconds`): the first run; the runs asked for"
                + " with `POST /api/v1/run`",
            String.format(
                Locale.ROOT,
                "first %s; then %s",
                Double.isNaN(r.firstRun) ? "n/a" : String.format(Locale.ROOT, "%.2f s", r.firstRun),
                r.runTimes.size() == 0 ? "none" : r.runTimes.describe())));
    rows.add(
        Row.of(
            HostileBench.SECTION,
            "  at the end of the first run, before the informers list: heap used / committed of"
                + " the maximum; NMT committed MiB",
            String.format(
                Locale.ROOT, "%s of %d MiB; %s", r.firstRunHeap, r.maxHeap >> 20, r.firstRunNmt)));
    if (r.alive) {
      rows.add(
          Row.of(
              HostileBench.SECTION,
              "  heap at the end: used / committed of the maximum (`/metrics`); used after a full"
                  + " GC (`jcmd GC.run`, then `GC.heap_info`)",
              String.format(
                  Locale.ROOT,
                  "%.0f / %.0f of %d MiB; %.0f MiB",
                  r.heapUsed / 1048576,
                  r.heapCommitted / 1048576,
                  r.maxHeap >> 20,
                  r.heapAfterGc / 1048576)));
    }
    rows.add(
        Row.of(
            HostileBench.SECTION,
            "  JVM options: the image's entrypoint (deploy/pom.xml), the chart's limit as MaxRAM,"
                + " native memory tracking: `"
                + jvm
                + "`; NMT committed MiB at the end",
            r.alive ? r.nmt : "n/a: the process had exited"));
    return rows;
  }

  /** The JVM's last words when it exited on its own, e.g. its OutOfMemoryError. */
  private static String exitNote(String log) {
    Matcher oom =
        Pattern.compile("(?m)^Terminating due to java.lang.OutOfMemoryError: (.*)$").matcher(log);
    return oom.find() ? "(OutOfMemoryError: " + oom.group(1).strip() + ")" : "(see the log)";
  }
}
