package dev.pulldoctor.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/pulldoctor serve} in its own JVM, as a user starts it from a checkout (serial GC, C1,
 * the CDS archive), with extra JVM options in {@code PULLDOCTOR_JAVA_OPTS}; read over HTTP and
 * {@code /proc}, stopped with SIGTERM.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  // A mapping's header in /proc/PID/smaps: range, permissions, offset, device, inode, path.
  private static final Pattern MAPPING =
      Pattern.compile("[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\S+\\s*(.*)");
  private static final Pattern RSS = Pattern.compile("Rss:\\s+(\\d+) kB");

  private final Path log;
  private boolean terminated;
  private final int port;

  private ServeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code bin/pulldoctor --log-level=info serve ARGS} and waits until it listens.
   *
   * @param env extra environment, e.g. {@code PULLDOCTOR_JAVA_OPTS} and {@code MALLOC_ARENA_MAX}
   */
  static ServeProcess start(Path root, Map<String, String> env, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/pulldoctor").toString());
    command.add("--log-level=info");
    command.add("serve");
    command.addAll(args);
    return launch(command, env);
  }

  /**
   * Starts {@code java JVM_OPTIONS -jar agent/target/pulldoctor.jar --log-level=info serve ARGS}
   * with the harness's JDK, as the container image's entrypoint starts it (none of bin/pulldoctor's
   * options), and waits until it listens.
   */
  static ServeProcess startJar(Path root, List<String> jvmOptions, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(root.resolve("agent/target/pulldoctor.jar").toString());
    command.add("--log-level=info");
    command.add("serve");
    command.addAll(args);
    return launch(command, Map.of());
  }

  private static ServeProcess launch(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("pulldoctor-serve", ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("PULLDOCTOR_CDS");
    builder.environment().remove("PULLDOCTOR_JAVA_OPTS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(env);
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Matcher serving = SERVING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (serving.find()) {
        return new ServeProcess(process, log, Integer.parseInt(serving.group(1)));
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "serve did not start listening: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      Thread.sleep(100);
    }
  }

  /** The body of {@code GET path}; fails on any status but 200. */
  String get(String path) {
    try {
      Answer answer = answer(path);
      if (answer.status() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + answer.status());
      }
      return answer.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer to {@code GET path}, whatever its status. */
  Answer answer(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /** A status and a body. */
  record Answer(int status, String body) {}

  /**
   * {@code POST path} with {@code Authorization: Bearer TOKEN} and no body: the status, and the
   * seconds of {@code Retry-After} (0 without one).
   */
  int[] post(String path, String token) throws IOException, InterruptedException {
    HttpResponse<Void> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    int retryAfter = response.headers().firstValue("Retry-After").map(Integer::parseInt).orElse(0);
    return new int[] {response.statusCode(), retryAfter};
  }

  /** Whether the process still runs. */
  boolean alive() {
    return process.isAlive();
  }

  /** The exit code, once the process has ended. */
  int exitValue() {
    return process.exitValue();
  }

  /** The sum of the values of the Prometheus series matching {@code series} (a regex) now. */
  double metric(String series) {
    return metric(get("/metrics"), series);
  }

  /** The sum of the values of the series matching {@code series} in a scrape. */
  static double metric(String scrape, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }

  /** Successful runs so far. */
  long successfulRuns() {
    return (long) metric("pulldoctor_runs_total\\{outcome=\"success\",?}");
  }

  /** The resident set size, from {@code /proc}, in bytes. */
  long rssBytes() throws IOException {
    return procStatus("VmRSS");
  }

  /** The peak resident set size so far ({@code VmHWM}), from {@code /proc}, in bytes. */
  long peakRssBytes() throws IOException {
    return procStatus("VmHWM");
  }

  private long procStatus(String field) throws IOException {
    Matcher value =
        Pattern.compile(field + ":\\s+(\\d+) kB")
            .matcher(
                Files.readString(
                    Path.of("/proc", Long.toString(process.pid()), "status"),
                    StandardCharsets.US_ASCII));
    if (!value.find()) {
      throw new IllegalStateException("no " + field + " for process " + process.pid());
    }
    return Long.parseLong(value.group(1)) * 1024;
  }

  /**
   * The heap's used bytes now, as {@code jcmd GC.heap_info} reports them: not {@code /metrics},
   * whose JVM figures may be up to 5 s old (Metrics.MAX_AGE), so a reading right after {@code jcmd
   * GC.run} would show the heap before the collection.
   */
  long heapUsedBytes() throws IOException, InterruptedException {
    return heapUsedKib(jcmd("GC.heap_info")) * 1024;
  }

  /** The used KiB of the generations in {@code jcmd GC.heap_info}'s answer. */
  static long heapUsedKib(String heapInfo) {
    Matcher generation = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heapInfo);
    long used = 0;
    while (generation.find()) {
      used += Long.parseLong(generation.group(2));
    }
    return used;
  }

  /**
   * Runs {@code jcmd PID ARGS} (the harness's JDK, which bin/pulldoctor also runs) and returns its
   * output.
   */
  String jcmd(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(process.pid()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("pulldoctor-jcmd", ".txt");
    try {
      Process jcmd =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
        jcmd.destroyForcibly();
        throw new IllegalStateException("jcmd did not finish: " + command);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** What serve logged so far. */
  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /**
   * The resident set by what it maps, largest first: {@code RssAnon}, {@code RssFile} and each
   * mapped file or kind of anonymous memory of {@code /proc/PID/smaps} with its resident KiB.
   */
  List<String> residentByMapping(int most) throws IOException {
    Map<String, Long> kib = new TreeMap<>();
    String name = "[anon]";
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "smaps"))) {
      Matcher mapping = MAPPING.matcher(line);
      Matcher rss = RSS.matcher(line);
      if (mapping.matches()) {
        name = mapping.group(1).isEmpty() ? "[anon]" : mapping.group(1);
      } else if (rss.matches()) {
        kib.merge(name, Long.parseLong(rss.group(1)), Long::sum);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "RssAnon "
            + procStatus("RssAnon") / 1024
            + " KiB, RssFile "
            + procStatus("RssFile") / 1024
            + " KiB");
    kib.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(most)
        .forEach(e -> lines.add(e.getValue() + " KiB " + e.getKey()));
    return lines;
  }

  /** Sends SIGTERM and waits for the exit, up to 30 s. */
  int terminate() throws InterruptedException {
    terminated = true;
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("serve did not stop within 30 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws IOException {
    if (!terminated && !process.isAlive()) {
      // It ended on its own (out of memory, say): what it said last is why.
      List<String> said = Files.readAllLines(log, StandardCharsets.UTF_8);
      Bench.progress(
          "serve ended on its own, exit "
              + process.exitValue()
              + "; its last lines:\n"
              + String.join("\n", said.subList(Math.max(0, said.size() - 15), said.size())));
    }
    if (process.isAlive()) {
      try {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(log);
  }
}
