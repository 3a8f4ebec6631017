package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.JobPodDump;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section {@code manifests}: {@code bin/pulldoctor diagnose --manifests} of 20,000 job pods, as one
 * {@code kubectl get pods -o json} List and as its {@code -o yaml} form, each file read by a new
 * JVM. Measures the wall time, the CPU time and the peak resident set size ({@code VmHWM} of the
 * process, read from {@code /proc} until it exits).
 */
final class ManifestBench {
  static final int JOB_PODS = 20_000;
  private static final double RSS_TARGET_MIB = 512;
  private static final Pattern HIGH_WATER = Pattern.compile("VmHWM:\\s+(\\d+) kB");

  private ManifestBench() {}

  static List<Row> run(Path root, int runs) throws Exception {
    Path dir = Files.createDirectories(root.resolve("bench/target/manifests"));
    List<Row> rows = new ArrayList<>();
    for (boolean json : new boolean[] {true, false}) {
      Path dump = dir.resolve(json ? "pods-20000.json" : "pods-20000.yaml");
      Bench.progress("writing " + root.relativize(dump));
      JobPodDump.write(root.resolve("examples"), JOB_PODS, json, dump);
      rows.addAll(measure(root, dump, json ? "json" : "yaml", runs));
    }
    return rows;
  }

  private static List<Row> measure(Path root, Path dump, String format, int runs) throws Exception {
    List<String> args =
        List.of("diagnose", "--manifests", dump.toString(), "--offline", "-o", "json");
    launch(root, args); // warm-up: the page cache holds the file afterwards
    Samples wall = new Samples();
    Samples cpu = new Samples();
    Samples peakMib = new Samples();
    for (int i = 0; i < runs; i++) {
      Bench.progress(format + " dump, run " + (i + 1) + "/" + runs);
      long start = System.nanoTime();
      Launched run = launch(root, args);
      wall.add((System.nanoTime() - start) / 1e9);
      cpu.add(run.cpuSeconds());
      peakMib.add(run.peakKib() / 1024.0);
    }
    double mib = Files.size(dump) / (1024.0 * 1024.0);
    String what =
        String.format(
            Locale.ROOT,
            "`bin/pulldoctor diagnose --manifests FILE --offline -o json`, %,d job pods as one"
                + " `kubectl get pods -o %s` List (%.0f MiB), JVM start included",
            JOB_PODS,
            format,
            mib);
    double peak = peakMib.median();
    return List.of(
        Row.of("manifests", what, wall.describe() + "; CPU " + cpu.describe()),
        new Row(
            "manifests",
            "  peak RSS of that run (`VmHWM`)",
            String.format(
                Locale.ROOT,
                "%.0f MiB (%.0f–%.0f, n=%d)",
                peak,
                peakMib.min(),
                peakMib.max(),
                peakMib.size()),
            String.format(Locale.ROOT, "≤ %.0f MiB", RSS_TARGET_MIB),
            peak <= RSS_TARGET_MIB
                ? String.format(Locale.ROOT, "met (%.0f MiB under)", RSS_TARGET_MIB - peak)
                : String.format(Locale.ROOT, "missed by %.0f MiB", peak - RSS_TARGET_MIB)));
  }

  private record Launched(double cpuSeconds, long peakKib) {}

  /** Runs {@code bin/pulldoctor ARGS}, following its peak RSS; fails on exit 2 and above. */
  private static Launched launch(Path root, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/pulldoctor").toString());
    command.addAll(args);
    Path err = Files.createTempFile("pulldoctor-bench", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(err.toFile())
              .redirectInput(new File("/dev/null"));
      builder.environment().remove("PULLDOCTOR_JAVA_OPTS");
      builder.environment().remove("PULLDOCTOR_CDS");
      double before = StartupBench.childrenCpuSeconds();
      Process process = builder.start();
      // bin/pulldoctor execs java, so the pid is the JVM's; VmHWM only grows, so the last reading
      // before the process ends is its peak (to within one 10 ms poll).
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      long peak = 0;
      while (process.isAlive()) {
        peak = Math.max(peak, highWater(status));
        Thread.sleep(10);
      }
      int code = process.waitFor();
      double cpu = StartupBench.childrenCpuSeconds() - before;
      if (code > 1) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + code
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Launched(cpu, peak);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static long highWater(Path status) {
    try {
      Matcher m = HIGH_WATER.matcher(Files.readString(status, StandardCharsets.US_ASCII));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      return 0; // the process ended between the check and the read
    }
  }
}
