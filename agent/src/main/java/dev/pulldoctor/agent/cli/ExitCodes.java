package dev.pulldoctor.agent.cli;

/** The exit codes of DESIGN.md, in one place. */
final class ExitCodes {
  /** No result at or above {@code --fail-on}. */
  static final int OK = 0;

  /** Results at or above {@code --fail-on} exist. */
  static final int FINDINGS = 1;

  /** Usage error or bad input. */
  static final int USAGE = 2;

  /** The cluster or the input could not be read. */
  static final int UNREADABLE = 3;

  /**
   * {@code fix --apply}: the API server refused a change (the object moved since the diagnosis, a
   * name is taken, or RBAC forbids it); the message names the object.
   */
  static final int REFUSED = 4;

  /** Internal error (EX_SOFTWARE). */
  static final int INTERNAL = 70;

  private ExitCodes() {}
}
