package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;

/**
 * Asking Airbyte's API failed. The message is shown to users as is, so it never holds a response
 * body, a parser's message, a header or a credential: only paths, status codes and fixed text.
 */
public final class AirbyteApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Outcome outcome;
  private final int status;
  private final String detail;

  AirbyteApiException(Outcome outcome, String message) {
    this(outcome, 0, message);
  }

  AirbyteApiException(Outcome outcome, int status, String message) {
    super(message);
    this.outcome = outcome;
    this.status = status;
    this.detail = message;
  }

  /** What went wrong, for users. */
  public String detail() {
    return detail;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The HTTP status that caused it, 0 when there was no answer. */
  public int status() {
    return status;
  }
}
