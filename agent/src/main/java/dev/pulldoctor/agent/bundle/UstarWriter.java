package dev.pulldoctor.agent.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes a POSIX ustar archive of regular files only, with fixed owner (0/0, no names) and mode
 * (0644) and a given modification time, so that the same entries give the same bytes.
 */
final class UstarWriter {
  static final int BLOCK = 512;
  private static final int NAME_LENGTH = 100;

  private final OutputStream out;
  private final long mtimeSeconds;

  UstarWriter(OutputStream out, Instant mtime) {
    this.out = out;
    this.mtimeSeconds = Math.max(0, mtime.getEpochSecond());
  }

  /** Appends one regular file; names are short ASCII paths chosen by pulldoctor. */
  void add(String name, byte[] content) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    if (nameBytes.length > NAME_LENGTH) {
      throw new IllegalArgumentException("entry does not fit a ustar header: " + name);
    }
    byte[] header = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
    octal(header, 100, 8, 0644);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, content.length);
    octal(header, 136, 12, mtimeSeconds);
    header[156] = '0';
    ascii(header, 257, "ustar\0");
    ascii(header, 263, "00");
    long sum = UstarReader.checksum(header);
    octal(header, 148, 7, sum);
    header[155] = ' ';
    out.write(header);
    out.write(content);
    int padding = (BLOCK - content.length % BLOCK) % BLOCK;
    out.write(new byte[padding]);
  }

  /** Writes the end-of-archive marker: two zero blocks. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
  }

  /** A zero-padded octal number ending in NUL, as ustar fields are written by GNU tar. */
  private static void octal(byte[] header, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    ascii(header, offset, padded);
    header[offset + length - 1] = 0;
  }

  private static void ascii(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
