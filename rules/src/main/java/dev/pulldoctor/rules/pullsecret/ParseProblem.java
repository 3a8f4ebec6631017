package dev.pulldoctor.rules.pullsecret;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One problem found in a pull secret. The message is fixed text written by pulldoctor: it never
 * quotes the payload, because parser messages for secret bytes leak them (CVE-2020-8564).
 *
 * @param code what is wrong
 * @param registryKey the (redacted) registry key of the entry concerned, if any
 * @param message a fixed description safe to print
 * @param line 1-based line in the decoded payload, 0 when unknown
 * @param column 1-based column in the decoded payload, 0 when unknown
 */
public record ParseProblem(
    ProblemCode code, @Nullable String registryKey, String message, int line, int column) {

  public ParseProblem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  public boolean fatal() {
    return code.fatal();
  }

  /** The message with its position, e.g. {@code invalid JSON (line 3, column 14)}. */
  public String describe() {
    String where = line > 0 ? " (line " + line + ", column " + column + ")" : "";
    String entry = registryKey == null ? "" : "entry '" + registryKey + "': ";
    return entry + message + where;
  }
}
