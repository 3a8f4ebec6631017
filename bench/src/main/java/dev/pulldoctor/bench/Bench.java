package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.LargeNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The performance harness of docs/performance.md. Run it with {@code bench/run} from the repository
 * root; it prints a Markdown table of medians to stdout and writes it to {@code
 * bench/target/results.md}. Progress goes to stderr.
 *
 * <pre>
 * bench/run [--runs N] [--only live,start,daemon,footprint,rules,manifests,hostile]
 * </pre>
 *
 * <p>{@code live} and {@code daemon} share one mock API server holding the large namespace, seeded
 * once; {@code hostile} seeds one of its own. The table lists the sections in the order of the
 * issue: live, start, daemon, rules; then manifests and hostile. {@code hostile} is an acceptance
 * check rather than a timing and runs only when asked for ({@code --only hostile}). {@code
 * footprint} is the part of {@code daemon} that measures memory at two sizes, alone.
 */
public final class Bench {
  private static final Set<String> SECTIONS =
      Set.of("live", "start", "daemon", "footprint", "rules", "manifests", "hostile");
  private static final String USAGE =
      "usage: bench/run [--runs N] [--only live,start,daemon,footprint,rules,manifests,hostile]";
  // java.util.logging keeps loggers weakly: hold the one whose level is set.
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private Bench() {}

  /** Runs the sections asked for and prints the table. */
  public static void main(String[] args) throws Exception {
    int runs = 7;
    Set<String> only =
        new LinkedHashSet<>(List.of("live", "start", "daemon", "rules", "manifests"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only" -> {
          only.clear();
          for (String section : args[++i].split(",", -1)) {
            if (!SECTIONS.contains(section)) {
              throw new IllegalArgumentException("--only: one of " + SECTIONS + ", not " + section);
            }
            only.add(section);
          }
        }
        default -> throw new IllegalArgumentException(USAGE);
      }
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
    Path root = Path.of("").toAbsolutePath();
    String before = loadAverage();
    Instant started = Instant.now();
    List<Row> live = new ArrayList<>();
    List<Row> daemon = new ArrayList<>();
    if (only.contains("live") || only.contains("daemon")) {
      try (MockCluster cluster = MockCluster.seeded(root)) {
        if (only.contains("live")) {
          live.addAll(LiveBench.run(root, cluster, runs));
        }
        // After live: the daemon section changes a secret of the namespace.
        if (only.contains("daemon")) {
          daemon.addAll(DaemonBench.run(root, cluster, runs));
          // Each section's rows as soon as it ends: a later section that fails loses none.
          daemon.forEach(row -> progress("row: " + row));
        }
      }
    }
    // daemon includes the footprint rows; footprint alone measures only them (about 6 minutes).
    if (only.contains("daemon") || only.contains("footprint")) {
      List<Row> footprints = scaled(root);
      footprints.forEach(row -> progress("row: " + row));
      daemon.addAll(footprints);
    }
    // Starts are short and noisy: twice the runs cost little.
    List<Row> start = only.contains("start") ? StartupBench.run(root, 2 * runs) : List.<Row>of();
    List<Row> rules = only.contains("rules") ? RuleEngineBench.run(root) : List.<Row>of();
    // A 20,000-pod run takes seconds: three runs per file are enough to see the spread.
    List<Row> manifests =
        only.contains("manifests") ? ManifestBench.run(root, Math.min(runs, 3)) : List.<Row>of();
    List<Row> hostile = only.contains("hostile") ? HostileBench.run(root, runs) : List.<Row>of();
    List<Row> rows = new ArrayList<>();
    for (List<Row> section : List.of(live, start, daemon, rules, manifests, hostile)) {
      rows.addAll(section);
    }
    String table = table(rows, runs, before, started);
    Path out = root.resolve("bench/target/results.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table, StandardCharsets.UTF_8);
    System.out.print(table);
    progress("written to " + root.relativize(out));
  }

  /**
   * The daemon's footprint on the large namespace and on the same namespace scaled 5 times (10,000
   * job pods, 50,000 events, 2,500 secrets, 1,500 RBAC objects; the 50 nodes unchanged), each on a
   * fresh mock API server, and the growth per 1,000 job pods between them.
   */
  private static List<Row> scaled(Path root) throws Exception {
    LargeNamespace.Size full = LargeNamespace.Size.FULL;
    DaemonFootprint.Footprint one;
    try (MockCluster cluster = MockCluster.seeded(root, full)) {
      one = DaemonFootprint.footprint(root, cluster, "the large namespace (2,000 job pods)", 2_000);
    }
    // To compare JVM options quickly (BENCH_DAEMON_JAVA_OPTS): the large namespace alone.
    if ("large".equals(System.getenv("BENCH_FOOTPRINT_SIZES"))) {
      return List.of(one.row());
    }
    LargeNamespace.Size five =
        new LargeNamespace.Size(
            5 * full.jobPods(),
            5 * full.events(),
            5 * full.secrets(),
            5 * full.rbacObjects(),
            full.nodes(),
            full.imagesPerNode(),
            full.images());
    DaemonFootprint.Footprint scaled;
    try (MockCluster cluster = MockCluster.seeded(root, five)) {
      scaled =
          DaemonFootprint.footprint(
              root, cluster, "the namespace scaled 5× (10,000 job pods)", five.jobPods());
    }
    return List.of(one.row(), scaled.row(), scaled.growthFrom(one));
  }

  static void progress(String message) {
    System.err.println("bench: " + message);
  }

  private static String table(List<Row> rows, int runs, String loadBefore, Instant started)
      throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("Machine: ").append(machine()).append('\n');
    out.append(
            String.format(
                Locale.ROOT,
                "Run: %s, %d runs per median (after warm-up; twice that for start); load average %s"
                    + " before, %s after. CPU = user + system time of the process.%n",
                started.truncatedTo(ChronoUnit.SECONDS),
                runs,
                loadBefore,
                loadAverage()))
        .append('\n');
    out.append("| section | measured | median (min–max, n) | target | verdict |\n");
    out.append("|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| ")
          .append(
              String.join(
                  " | ", row.section(), row.what(), row.value(), row.target(), row.verdict()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String machine() throws IOException {
    String model = "unknown CPU";
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      Matcher name =
          Pattern.compile("(?m)^model name\\s*:\\s*(.+)$")
              .matcher(Files.readString(cpuinfo, StandardCharsets.UTF_8));
      if (name.find()) {
        model = name.group(1).strip();
      }
    }
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s), %d MiB max heap, Java %s (%s), %s %s",
        Runtime.getRuntime().availableProcessors(),
        model,
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"),
        System.getProperty("java.vm.vendor"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  private static String loadAverage() throws IOException {
    Path loadavg = Path.of("/proc/loadavg");
    if (!Files.isReadable(loadavg)) {
      return "n/a";
    }
    String[] fields = Files.readString(loadavg, StandardCharsets.US_ASCII).strip().split(" ", -1);
    return fields[0] + " / " + fields[1] + " / " + fields[2];
  }
}
