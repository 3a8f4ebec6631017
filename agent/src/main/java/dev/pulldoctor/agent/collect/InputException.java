package dev.pulldoctor.agent.collect;

/** Input pulldoctor cannot use (a missing or malformed file, a bad flag value): exit code 2. */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }
}
