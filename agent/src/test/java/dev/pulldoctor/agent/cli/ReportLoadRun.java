package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP report under load (docs/reliability.md): Debian's {@code wrk} against {@code /metrics}
 * and {@code /api/v1/report} on loopback while diagnoses run every second. Not part of the build
 * (the figures depend on the machine); run it with
 *
 * <pre>
 * mvn -o -pl agent -am test -Dtest=ReportLoadRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dpulldoctor.loadRun=true -Djacoco.skip=true
 * </pre>
 *
 * and read the figures in {@code agent/target/surefire-reports/*ReportLoadRun-output.txt}.
 */
class ReportLoadRun {
  private static final String SECONDS = System.getProperty("pulldoctor.loadRun.seconds", "20");
  // 32 saturates the 8 HTTP threads: its p99 is mostly queueing; 8 is a busy scraper fleet.
  private static final String CONNECTIONS =
      System.getProperty("pulldoctor.loadRun.connections", "32");

  @TempDir Path dir;

  @Test
  void report_and_metrics_under_load() throws Exception {
    assumeTrue(Boolean.getBoolean("pulldoctor.loadRun"), "a load run, on request only");
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
        RunningDaemon daemon =
            RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofSeconds(1)))) {
      daemon.awaitReady(200, Duration.ofSeconds(30));
      ScheduledExecutorService runs = Executors.newSingleThreadScheduledExecutor();
      var unused =
          runs.scheduleAtFixedRate(() -> daemon.app.daemon().requestRun(), 0, 1, TimeUnit.SECONDS);
      try {
        System.out.printf("before: %s%n", jvm());
        for (String path : List.of("/metrics", "/api/v1/report", "/")) {
          String out = wrk(daemon.url(path));
          System.out.printf("wrk %s%n%s%n", path, out);
          System.out.printf("after %s: %s%n", path, jvm());
        }
      } finally {
        runs.shutdownNow();
      }
      assertThat(daemon.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  private static String wrk(String url) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t2",
                "-c" + CONNECTIONS,
                "-d" + SECONDS + "s",
                "--timeout",
                "5s",
                "--latency",
                url));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }

  private static String jvm() throws InterruptedException {
    long jetty =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("pulldoctor-http") || t.getName().contains("qtp"))
            .count();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return String.format(
        "%d live threads (%d HTTP pool), heap after GC %.1f MiB",
        ManagementFactory.getThreadMXBean().getThreadCount(), jetty, heap / (1024.0 * 1024.0));
  }
}
