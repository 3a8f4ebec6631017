package dev.pulldoctor.agent.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every connect attempt that got past the probe policy, and refuses (and remembers) any
 * that is not loopback: no test may send traffic outside 127.0.0.0/8 or ::1.
 */
public final class RecordingConnector implements Connector {
  private final List<InetSocketAddress> attempts = new CopyOnWriteArrayList<>();
  private final List<InetSocketAddress> violations = new CopyOnWriteArrayList<>();

  @Override
  public Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException {
    attempts.add(address);
    InetAddress ip = address.getAddress();
    if (ip == null || !ip.isLoopbackAddress()) {
      violations.add(address);
      throw new IOException("test connector: non-loopback connect to " + address + " refused");
    }
    return Connector.PLAIN.connect(address, timeoutMillis);
  }

  public List<InetSocketAddress> attempts() {
    return List.copyOf(attempts);
  }

  public List<InetSocketAddress> violations() {
    return List.copyOf(violations);
  }
}
