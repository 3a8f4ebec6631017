package dev.pulldoctor.agent.http;

/**
 * The server could not listen where it was told: the port is taken, or the address is not one of
 * this machine's. A user's setting to change, not a fault of pulldoctor.
 */
public final class ListenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean portInUse;

  ListenException(String message, boolean portInUse, Throwable cause) {
    super(message, cause);
    this.portInUse = portInUse;
  }

  /** Whether another process holds the port (else the address could not be bound). */
  public boolean portInUse() {
    return portInUse;
  }
}
