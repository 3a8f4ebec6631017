package dev.pulldoctor.agent.bundle;

/** A bundle that pulldoctor refuses to read; the message is one line safe to print. */
final class BundleFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  BundleFormatException(String message) {
    super(message);
  }
}
