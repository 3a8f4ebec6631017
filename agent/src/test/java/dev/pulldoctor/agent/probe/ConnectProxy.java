package dev.pulldoctor.agent.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An HTTP CONNECT proxy on loopback that tunnels to loopback only, or refuses with a status. */
final class ConnectProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int status;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  ConnectProxy(int status) throws IOException {
    this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    this.status = status;
    Thread acceptor = new Thread(this::serve, "test-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread handler = new Thread(() -> handle(client), "test-proxy-conn");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      String head = readHead(client.getInputStream());
      String line = head.substring(0, head.indexOf('\r'));
      requests.add(line);
      OutputStream out = client.getOutputStream();
      if (status != 200 || !line.startsWith("CONNECT 127.0.0.1:")) {
        out.write(
            ("HTTP/1.1 " + (status == 200 ? 403 : status) + " No\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return;
      }
      int port =
          Integer.parseInt(line.substring("CONNECT 127.0.0.1:".length(), line.indexOf(' ', 8)));
      try (Socket upstream = new Socket()) {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        out.write(
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread back = new Thread(() -> pump(upstream, client));
        back.setDaemon(true);
        back.start();
        pump(client, upstream);
        back.join(2000);
      }
    } catch (IOException | RuntimeException e) {
      // the probe closed the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // one side closed
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      String text = head.toString(StandardCharsets.US_ASCII);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    throw new IOException("closed before the request ended");
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
