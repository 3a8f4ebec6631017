package dev.pulldoctor.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder on loopback in front of the mock API server, for the faults an HTTP mock cannot
 * make: an API server that disappears (connections refused) and comes back on the same port,
 * connections (watches among them) cut mid-stream, and an API that accepts connections and never
 * answers.
 */
final class FlakyProxy implements AutoCloseable {
  enum Mode {
    /** Forwards. */
    UP,
    /** Not listening: connections are refused. */
    DOWN,
    /** Accepts connections and never answers. */
    SILENT,
    /**
     * Forwards requests and passes on the status line, the headers and the first byte of the body
     * of the first answer on a connection, then nothing more: an answer that stops halfway.
     */
    STALL
  }

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "flaky-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private volatile Mode mode = Mode.UP;
  private volatile ServerSocket listener;

  private FlakyProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = listen(0);
    this.port = listener.getLocalPort();
    accept(listener);
  }

  static FlakyProxy to(int targetPort) throws IOException {
    return new FlakyProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
  }

  int port() {
    return port;
  }

  /** Switches mode; leaving UP cuts every open connection. */
  synchronized void mode(Mode next) throws IOException {
    if (next == mode) {
      return;
    }
    if (next == Mode.DOWN) {
      listener.close();
    } else if (mode == Mode.DOWN) {
      listener = listen(port);
      accept(listener);
    }
    mode = next;
    cutAll();
  }

  /** Cuts every open connection (watches included) without stopping to listen. */
  synchronized void cutAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return socket;
  }

  private void accept(ServerSocket server) {
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket client = server.accept();
              // Registered under the lock mode() cuts under: no connection slips past a switch.
              Mode now;
              synchronized (this) {
                open.add(client);
                now = mode;
              }
              if (now == Mode.SILENT) {
                continue; // held open, never answered, until cut
              }
              threads.execute(() -> forward(client, now == Mode.STALL));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  private void forward(Socket client, boolean stall) {
    try (Socket upstream = new Socket()) {
      upstream.connect(target, 2_000);
      synchronized (this) {
        if (client.isClosed()) {
          return; // cut while connecting
        }
        open.add(upstream);
      }
      threads.execute(() -> pump(upstream, client, stall));
      pump(client, upstream, false);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to, boolean stall) {
    byte[] buffer = new byte[16 * 1024];
    HeaderEnd headers = new HeaderEnd();
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        // When stalling, what follows the first byte of the body is read and dropped.
        int passed = stall ? headers.bytesToPass(buffer, n) : n;
        out.write(buffer, 0, passed);
        out.flush();
      }
    } catch (SocketException e) {
      // cut by the test or by the other side
    } catch (IOException e) {
      // the same, on a stream already closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  /** Counts bytes to the end of the first response's headers, plus one byte of its body. */
  private static final class HeaderEnd {
    private int matched; // of "\r\n\r\n"
    private boolean done;

    int bytesToPass(byte[] bytes, int length) {
      if (done) {
        return 0;
      }
      for (int i = 0; i < length; i++) {
        if (matched == 4) {
          done = true;
          return i + 1;
        }
        byte expected = (matched % 2 == 0) ? (byte) '\r' : (byte) '\n';
        matched = bytes[i] == expected ? matched + 1 : (bytes[i] == '\r' ? 1 : 0);
      }
      return length;
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    mode = Mode.DOWN;
    listener.close();
    cutAll();
    threads.shutdownNow();
  }
}
