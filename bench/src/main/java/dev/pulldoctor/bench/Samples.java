package dev.pulldoctor.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Wall times of repeated runs of one thing, in seconds; reported as a median with the range. */
final class Samples {
  private final List<Double> seconds = new ArrayList<>();

  /** Runs {@code task} once and records its wall time. */
  void time(Task task) throws Exception {
    long start = System.nanoTime();
    task.run();
    seconds.add((System.nanoTime() - start) / 1e9);
  }

  void add(double value) {
    seconds.add(value);
  }

  double median() {
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return seconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  int size() {
    return seconds.size();
  }

  /** "0.412 s (0.398–0.455, n=7)". */
  String describe() {
    return String.format(
        Locale.ROOT, "%.3f s (%.3f–%.3f, n=%d)", median(), min(), max(), seconds.size());
  }

  /** Something to time. */
  interface Task {
    void run() throws Exception;
  }

  /** Byte counts as "max N MiB (median, min, n)", or "no sample". */
  static String mib(List<Long> bytes) {
    if (bytes.isEmpty()) {
      return "no sample";
    }
    Samples mib = new Samples();
    bytes.forEach(b -> mib.add(b / 1048576.0));
    return String.format(
        Locale.ROOT,
        "max %.0f MiB (median %.0f, min %.0f, n=%d)",
        mib.max(),
        mib.median(),
        mib.min(),
        mib.size());
  }
}
