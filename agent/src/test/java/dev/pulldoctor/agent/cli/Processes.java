package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Runs external programs (promtool, chromium) with a time limit. */
final class Processes {
  private Processes() {}

  /** What a finished program printed (stdout and stderr together). */
  record Finished(int exitCode, String output) {}

  static Finished run(List<String> command, Path dir, @Nullable Path stdin, Duration timeout)
      throws IOException, InterruptedException {
    // Not in dir: dir may be a source folder (promtool runs next to the alert rules).
    Path output = Files.createTempFile("pulldoctor-process", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    try {
      Process process = builder.start();
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      assertThat(done).as("%s finished within %s", command.get(0), timeout).isTrue();
      return new Finished(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
