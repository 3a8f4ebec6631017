package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Entry point of the {@code pulldoctor} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /**
   * Runs one command line; the streams receive the report (out) and everything else (err).
   *
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(new PulldoctorCommand(), out, err);
    try {
      return commandLine.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli passes Errors through. Exit 1 would read as "findings" to CI: say what happened,
      // in one line (the stack is unwound, so there is room to print it).
      err.println(
          "pulldoctor: out of memory (maximum heap "
              + Runtime.getRuntime().maxMemory() / (1 << 20)
              + " MiB); the input is too large for this heap: raise it with"
              + " JAVA_TOOL_OPTIONS=-Xmx... or read less");
      err.flush();
      return ExitCodes.INTERNAL;
    }
  }

  static CommandLine commandLine(PulldoctorCommand root, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(root);
    commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(out)
        .setErr(err)
        .setExecutionStrategy(parsed -> execute(root, parsed))
        .setParameterExceptionHandler(Main::usageError)
        .setExecutionExceptionHandler(Main::failure)
        .setExitCodeExceptionMapper(Main::exitCode);
    return commandLine;
  }

  private static int execute(PulldoctorCommand root, ParseResult parsed) {
    root.logLevel.apply();
    return new CommandLine.RunLast().execute(parsed);
  }

  /** One line: the problem, any "did you mean", and where to read more. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    String hint = "see '" + command.getCommandSpec().qualifiedName() + " --help'";
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      hint = "did you mean " + String.join(" or ", unmatched.getSuggestions()) + "? " + hint;
    }
    err.println("pulldoctor: " + oneLine(e.getMessage()) + " (" + hint + ")");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static String oneLine(@Nullable String message) {
    return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  private static int failure(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    if (e instanceof InputException || e instanceof ClusterUnreachableException) {
      err.println("pulldoctor: " + e.getMessage());
    } else if (e instanceof CommandLine.ParameterException p) {
      return usageError(p, parsed.originalArgs().toArray(String[]::new));
    } else {
      // No message: exception text can quote input. The type and place are enough to report.
      StackTraceElement[] trace = e.getStackTrace();
      err.println(
          "pulldoctor: internal error "
              + e.getClass().getName()
              + (trace.length > 0 ? " at " + trace[0] : "")
              + "; please report it with the output of 'pulldoctor version'");
    }
    err.flush();
    return exitCode(e);
  }

  private static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException || e instanceof InputException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof ClusterUnreachableException) {
      return ExitCodes.UNREADABLE;
    }
    return ExitCodes.INTERNAL;
  }
}
