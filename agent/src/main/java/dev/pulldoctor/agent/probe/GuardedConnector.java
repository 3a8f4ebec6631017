package dev.pulldoctor.agent.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The connect-time hook of the probe policy: checks the very address about to be connected to, so
 * no later DNS answer (rebinding) and no IP-literal spelling can slip past the check.
 */
final class GuardedConnector {
  private final ProbePolicy policy;
  private final Connector delegate;

  GuardedConnector(ProbePolicy policy, Connector delegate) {
    this.policy = policy;
    this.delegate = delegate;
  }

  /**
   * Connects, or refuses.
   *
   * @param proxy true when connecting to the operator's proxy
   * @throws RefusedException when the policy refuses the address; nothing was sent
   */
  Socket connect(InetSocketAddress address, int timeoutMillis, boolean proxy)
      throws IOException, RefusedException {
    if (address.isUnresolved()) {
      throw new RefusedException("unresolved address " + address.getHostString());
    }
    String refusal = policy.addressRefusal(address.getAddress(), proxy);
    if (refusal != null) {
      throw new RefusedException(refusal);
    }
    return delegate.connect(address, timeoutMillis);
  }

  /** The policy refused an address. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String reason) {
      super(reason, null, false, false);
    }
  }
}
