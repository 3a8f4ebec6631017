package dev.pulldoctor.agent.probe;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Reads from a socket at most {@code limit} bytes, with a socket timeout of what is left of the
 * request's deadline (the {@link RequestWatchdog} enforces the deadline itself).
 */
final class DeadlineInput extends InputStream {
  private final Socket socket;
  private final InputStream in;
  private final long deadline;
  private final long limit;
  private long read;

  DeadlineInput(Socket socket, long deadline, long limit) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.deadline = deadline;
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    arm();
    int b = in.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    int n = in.read(b, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws HttpResponseReader.LimitException {
    read += n;
    if (read > limit) {
      throw new HttpResponseReader.LimitException(
          "sent more than " + limit + " bytes in one answer");
    }
  }

  /** Sets the socket timeout to what is left, when the next read may block. */
  private void arm() throws IOException {
    if (in.available() > 0) {
      return;
    }
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
  }
}
