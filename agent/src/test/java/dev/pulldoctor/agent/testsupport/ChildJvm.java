package dev.pulldoctor.agent.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pulldoctor in a new JVM on this test's class path, so that logging, the environment and the exit
 * code are exactly a user's. Tests that start one register {@link ProcessLeakCheck} (it is stopped
 * when the test ends, or the test fails).
 *
 * <pre>{@code
 * ChildJvm.Result run = ChildJvm.pulldoctor("diagnose", "-o", "json").run(dir, Duration.ofMinutes(1));
 * Process serve = ChildJvm.pulldoctor("serve", "--port", "0").jvmOptions("-Xmx256m").builder()...;
 * }</pre>
 */
public final class ChildJvm {
  /** The CLI's entry point. */
  public static final String MAIN = "dev.pulldoctor.agent.cli.Main";

  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> args;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> unset = new ArrayList<>();

  private ChildJvm(List<String> args) {
    this.args = List.copyOf(args);
  }

  /** {@code pulldoctor ARGS} in a new JVM. */
  public static ChildJvm pulldoctor(String... args) {
    return new ChildJvm(List.of(args));
  }

  public static ChildJvm pulldoctor(List<String> args) {
    return new ChildJvm(args);
  }

  /** Options for the JVM, before the main class. */
  public ChildJvm jvmOptions(String... options) {
    return jvmOptions(List.of(options));
  }

  public ChildJvm jvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  /** Sets {@code name} in the child's environment. */
  public ChildJvm env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public ChildJvm env(Map<String, String> more) {
    env.putAll(more);
    return this;
  }

  /** Removes {@code names} from the environment the child inherits. */
  public ChildJvm withoutEnv(String... names) {
    unset.addAll(List.of(names));
    return this;
  }

  /** {@code java OPTIONS -cp CLASSPATH Main ARGS}. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.addAll(args);
    return command;
  }

  /**
   * A process builder for the command, with the environment set; the caller redirects and starts.
   */
  public ProcessBuilder builder() {
    ProcessBuilder builder = new ProcessBuilder(command());
    unset.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    return builder;
  }

  /** What a finished run printed. */
  public record Result(int exitCode, String out, String err) {}

  /**
   * Runs to the end, stdout and stderr into files in {@code dir}, stdin empty. Fails the test if it
   * takes longer than {@code timeout} (and stops the process).
   */
  public Result run(Path dir, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        builder()
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    assertThat(done)
        .as("pulldoctor %s finished within %s: %s", args, timeout, Files.readString(err))
        .isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
