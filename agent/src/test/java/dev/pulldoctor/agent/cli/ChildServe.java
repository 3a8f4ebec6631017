package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code pulldoctor serve} in its own JVM, as a container runs it, stopped with SIGTERM. */
final class ChildServe implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/");

  final Process process;
  final Path log;
  final int port;

  private ChildServe(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code serve} with the test JVM's classpath and waits until it listens.
   *
   * @param jvmOptions e.g. heap limits, as a container image would set them
   * @param logLevel {@code --log-level}
   */
  static ChildServe start(Path dir, List<String> jvmOptions, String logLevel, String... serveArgs)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add("--log-level=" + logLevel);
    args.add("serve");
    args.addAll(List.of(serveArgs));
    Path log = Files.createTempFile(dir, "serve", ".log");
    Process process =
        ChildJvm.pulldoctor(args)
            .jvmOptions(jvmOptions)
            // as the image sets it: glibc's per-thread malloc arenas add tens of MiB
            .env("MALLOC_ARENA_MAX", "2")
            .builder()
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    Optional<Integer> port =
        Waits.await("serve listens within a minute")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  String output = Files.readString(log, StandardCharsets.UTF_8);
                  Optional<Integer> found = port(output);
                  assertThat(found.isPresent() || process.isAlive())
                      .as("serve is running: %s", output)
                      .isTrue();
                  return found;
                },
                Optional::isPresent);
    return new ChildServe(process, log, port.orElseThrow());
  }

  private static Optional<Integer> port(String output) {
    Matcher matcher = SERVING.matcher(output);
    return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Sends SIGTERM and waits for the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("serve exits within %s of SIGTERM", timeout)
        .isTrue();
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
