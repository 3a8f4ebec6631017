package dev.pulldoctor.agent.collect;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that fails once more than a limit of bytes has been read from it: standard input
 * has no size to check beforehand, and a file may grow while it is read.
 */
final class CappedInputStream extends FilterInputStream {
  /** Thrown by a read past the limit; parsers pass it on as a cause, so it is looked for there. */
  static final class OverLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    OverLimitException() {
      super("over the size limit");
    }
  }

  private final long limit;
  private long count;

  CappedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  @Override
  public boolean markSupported() {
    // A reset would read bytes twice and count them twice.
    return false;
  }

  private void counted(long n) throws OverLimitException {
    count += n;
    if (count > limit) {
      throw new OverLimitException();
    }
  }

  /** Whether {@code e} or one of its causes is a read past the limit. */
  static boolean isOverLimit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OverLimitException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
