package dev.pulldoctor.agent.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Builds tar.gz files byte by byte, including the kinds of entries a bundle must never hold. */
final class HostileTar implements AutoCloseable {
  private final OutputStream gzip;

  HostileTar(Path file) throws IOException {
    this.gzip =
        new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        };
  }

  HostileTar file(String name, byte[] content) throws IOException {
    gzip.write(header(name, '0', octal(content.length, 12)));
    gzip.write(content);
    gzip.write(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  HostileTar file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /** An entry of any type with an empty body. */
  HostileTar special(String name, char type) throws IOException {
    gzip.write(header(name, type, octal(0, 12)));
    return this;
  }

  /** A header declaring {@code size} bytes (GNU base-256 when large), and no data after it. */
  HostileTar declared(String name, char type, long size) throws IOException {
    byte[] field = new byte[12];
    if (size < 077777777777L) {
      field = octal(size, 12);
    } else {
      field[0] = (byte) 0x80;
      for (int i = 11; i >= 4; i--) {
        field[i] = (byte) (size >>> (8 * (11 - i)));
      }
    }
    gzip.write(header(name, type, field));
    return this;
  }

  /** {@code size} zero bytes of content, streamed. */
  HostileTar zeros(String name, long size) throws IOException {
    gzip.write(header(name, '0', octal(size, 12)));
    byte[] chunk = new byte[1 << 16];
    for (long left = size; left > 0; left -= chunk.length) {
      gzip.write(chunk, 0, (int) Math.min(chunk.length, left));
    }
    gzip.write(new byte[(int) ((512 - size % 512) % 512)]);
    return this;
  }

  HostileTar raw(byte[] bytes) throws IOException {
    gzip.write(bytes);
    return this;
  }

  HostileTar end() throws IOException {
    gzip.write(new byte[1024]);
    return this;
  }

  @Override
  public void close() throws IOException {
    gzip.close();
  }

  static byte[] header(String name, char type, byte[] sizeField) {
    byte[] header = new byte[512];
    byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
    System.arraycopy(octal(0644, 8), 0, header, 100, 8);
    System.arraycopy(octal(0, 8), 0, header, 108, 8);
    System.arraycopy(octal(0, 8), 0, header, 116, 8);
    System.arraycopy(sizeField, 0, header, 124, 12);
    System.arraycopy(octal(0, 12), 0, header, 136, 12);
    header[156] = (byte) type;
    System.arraycopy(
        ("ustar" + (char) 0 + "00").getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    byte[] sum = octal(UstarReader.checksum(header), 7);
    System.arraycopy(sum, 0, header, 148, 7);
    header[155] = ' ';
    return header;
  }

  static byte[] octal(long value, int length) {
    String digits = Long.toOctalString(value);
    byte[] field = new byte[length];
    byte[] text =
        ("0".repeat(Math.max(0, length - 1 - digits.length())) + digits)
            .getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, field, 0, Math.min(text.length, length - 1));
    return field;
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    }
    return out.toByteArray();
  }
}
