package dev.pulldoctor.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Item 2 of the harness: how fast {@code bin/pulldoctor} starts, with and without the application
 * class-data-sharing archive, and how many of the loaded classes come from it (counted in {@code
 * -Xlog:class+load}, which is deterministic where wall times are not).
 */
final class StartupBench {
  private static final String SHARED = "source: shared objects file";

  private final Path root;
  private final int runs;
  private final List<Row> rows = new ArrayList<>();

  private StartupBench(Path root, int runs) {
    this.root = root;
    this.runs = runs;
  }

  static List<Row> run(Path root, int runs) throws Exception {
    return new StartupBench(root, runs).measure();
  }

  private List<Row> measure() throws Exception {
    // The first call builds the CLI when the jar is older than the sources.
    launch(root, List.of("version"), Map.of());
    List<String> help = List.of("--help");
    List<String> offline =
        List.of(
            "diagnose",
            "--manifests",
            root.resolve("examples/healthy-private-registry").toString(),
            "--offline",
            "-o",
            "json");
    wallTimes("`bin/pulldoctor --help`", help, 0.4);
    wallTimes(
        "`bin/pulldoctor diagnose --manifests examples/healthy-private-registry`", offline, 0);
    share("`--help`", help);
    share("offline diagnose", offline);
    return rows;
  }

  private void wallTimes(String what, List<String> args, double target) throws Exception {
    Samples withArchive = new Samples();
    Samples without = new Samples();
    Samples cpuWith = new Samples();
    Samples cpuWithout = new Samples();
    Map<String, String> off = Map.of("PULLDOCTOR_CDS", "off");
    launch(root, args, Map.of());
    launch(root, args, off);
    for (int i = 0; i < runs; i++) {
      Bench.progress(what + ", run " + (i + 1) + "/" + runs);
      withArchive.time(() -> cpuWith.add(launch(root, args, Map.of())));
      without.time(() -> cpuWithout.add(launch(root, args, off)));
    }
    rows.add(
        target > 0
            ? new Row(
                "start",
                what + ", with the CDS archive",
                withArchive.describe() + "; CPU " + cpuWith.describe(),
                String.format(Locale.ROOT, "≤ %.1f s", target),
                withArchive.median() <= target
                    ? String.format(
                        Locale.ROOT, "met (%.2f s under)", target - withArchive.median())
                    : String.format(Locale.ROOT, "missed by %.2f s", withArchive.median() - target))
            : Row.of(
                "start",
                what + ", with the CDS archive",
                withArchive.describe() + "; CPU " + cpuWith.describe()));
    rows.add(
        Row.of(
            "start",
            what + ", without (PULLDOCTOR_CDS=off)",
            without.describe() + "; CPU " + cpuWithout.describe()));
  }

  private void share(String what, List<String> args) throws Exception {
    rows.add(share(root, "start", what, args));
  }

  /** The row for the share of classes {@code bin/pulldoctor ARGS} loads from the archive. */
  static Row share(Path root, String section, String what, List<String> args) throws Exception {
    Path log = Files.createTempFile("pulldoctor-classes", ".log");
    try {
      launch(root, args, Map.of("PULLDOCTOR_JAVA_OPTS", "-Xlog:class+load:file=" + log));
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      long loaded = lines.stream().filter(l -> l.contains(" source: ")).count();
      long shared = lines.stream().filter(l -> l.contains(SHARED)).count();
      long picocli = lines.stream().filter(l -> l.contains("picocli-")).count();
      // picocli's classes are Java 5 class files, which CDS cannot archive: they are left out of
      // the count, and the row says how many they are.
      double percent = 100.0 * shared / (loaded - picocli);
      double ofAll = 100.0 * shared / loaded;
      return new Row(
          section,
          "classes from the CDS archive, "
              + what
              + String.format(
                  Locale.ROOT,
                  " (%d loaded, of which %d are picocli's Java 5 classes, which CDS cannot"
                      + " archive: counted out)",
                  loaded,
                  picocli),
          String.format(
              Locale.ROOT,
              "%d of %d = %.1f %% (%.1f %% of all %d)",
              shared,
              loaded - picocli,
              percent,
              ofAll,
              loaded),
          "≥ 90 %",
          percent >= 90
              ? String.format(Locale.ROOT, "met (+%.1f points)", percent - 90)
              : String.format(Locale.ROOT, "missed by %.1f points", 90 - percent));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * Runs {@code bin/pulldoctor} with {@code args}, discarding its output; fails on exit 2+. Returns
   * the CPU time (user + system) the process used, which a loaded machine disturbs less than the
   * wall time.
   */
  static double launch(Path root, List<String> args, Map<String, String> env)
      throws IOException, InterruptedException {
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
      Map<String, String> environment = new HashMap<>(builder.environment());
      environment.remove("PULLDOCTOR_CDS");
      environment.remove("PULLDOCTOR_JAVA_OPTS");
      environment.putAll(env);
      builder.environment().clear();
      builder.environment().putAll(environment);
      double before = childrenCpuSeconds();
      int code = builder.start().waitFor();
      double cpu = childrenCpuSeconds() - before;
      if (code > 1) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + code
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return cpu;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /**
   * CPU seconds of this JVM's children that have ended ({@code cutime + cstime} of {@code
   * /proc/self/stat}, in ticks of 10 ms); NaN where there is no /proc.
   */
  static double childrenCpuSeconds() throws IOException {
    Path stat = Path.of("/proc/self/stat");
    if (!Files.isReadable(stat)) {
      return Double.NaN;
    }
    String line = Files.readString(stat, StandardCharsets.US_ASCII);
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ", -1);
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
  }
}
