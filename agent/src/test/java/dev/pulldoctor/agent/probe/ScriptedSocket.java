package dev.pulldoctor.agent.probe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A socket that is never connected: reads give a scripted answer, writes are kept. Lets a fuzz
 * target play a registry at full speed without a single real connection.
 */
final class ScriptedSocket extends Socket {
  private final InputStream in;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ScriptedSocket(byte[] answer) {
    this.in = new ByteArrayInputStream(answer);
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() {
    return out;
  }

  @Override
  public void setSoTimeout(int timeout) {
    // nothing blocks: the answer is in memory
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public synchronized void close() {
    // nothing to release
  }

  /** What the client wrote. */
  byte[] written() {
    return out.toByteArray();
  }
}
