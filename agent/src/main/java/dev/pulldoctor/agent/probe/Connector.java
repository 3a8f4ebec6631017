package dev.pulldoctor.agent.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opens TCP connections; every probe connection goes through {@link GuardedConnector} first. */
@FunctionalInterface
public interface Connector {
  /** Plain sockets. */
  Connector PLAIN =
      (address, timeoutMillis) -> {
        Socket socket = new Socket();
        try {
          socket.connect(address, timeoutMillis);
          return socket;
        } catch (IOException | RuntimeException e) {
          socket.close();
          throw e;
        }
      };

  /**
   * Connects to a resolved address.
   *
   * @param address never unresolved: the guard has checked exactly this address
   */
  Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;
}
