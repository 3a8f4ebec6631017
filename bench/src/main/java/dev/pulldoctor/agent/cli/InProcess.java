package dev.pulldoctor.agent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;

/**
 * The command line run inside the benchmark's JVM, exactly as {@code bin/pulldoctor} runs it but
 * without starting a JVM: picocli, collection, rules and rendering. Lives in the CLI's package to
 * reach {@code Main.run}, which the CLI keeps package-private.
 */
public final class InProcess {
  private InProcess() {}

  /** Runs one command line, discards the report and returns the exit code. */
  public static Run run(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(Writer.nullWriter()), new PrintWriter(err, true), args);
    return new Run(code, err.toString());
  }

  /** An exit code and what went to stderr. */
  public record Run(int exitCode, String err) {}
}
