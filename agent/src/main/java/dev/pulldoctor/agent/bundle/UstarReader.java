package dev.pulldoctor.agent.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a tar archive that may be hostile, one entry at a time, into memory only. It accepts what
 * {@link UstarWriter} writes (and what GNU tar or bsdtar write when a user repacks a bundle):
 * regular files and directories with relative names. Links, devices, sparse files, pax and GNU
 * extension headers, absolute names and {@code ..} are refused, as are more entries or bytes than
 * the limits allow. Nothing is ever written to disk.
 */
final class UstarReader {
  private static final int BLOCK = UstarWriter.BLOCK;
  private static final int MAX_NAME_SHOWN = 120;

  /** One entry of the archive: a regular file with a checked, relative name. */
  record Entry(String name, long size) {}

  private final InputStream in;
  private final BundleLimits limits;
  private int entries;
  private long totalBytes;

  UstarReader(InputStream in, BundleLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** The next regular file, or null at the end of the archive; directories are passed over. */
  @Nullable Entry next() throws IOException, BundleFormatException {
    while (true) {
      byte[] header = in.readNBytes(BLOCK);
      if (header.length < BLOCK) {
        throw new BundleFormatException(
            "truncated tar archive: it ends without an end-of-archive marker");
      }
      if (isZero(header)) {
        return null;
      }
      if (++entries > limits.maxEntries()) {
        throw new BundleFormatException(
            "more than " + limits.maxEntries() + " entries; a bundle holds about 15 files");
      }
      checkHeader(header);
      char type = (char) (header[156] & 0xff);
      String name = name(header);
      long size = size(header, name);
      if (type == '5') {
        if (size != 0) {
          throw new BundleFormatException("directory entry " + name + " has content");
        }
        continue;
      }
      if (type != '0' && type != 0) {
        throw new BundleFormatException(
            "entry " + name + " is " + describeType(type) + "; a bundle holds only regular files");
      }
      if (name.isEmpty()) {
        throw new BundleFormatException("an entry has an empty name");
      }
      if (size > limits.maxFileBytes()) {
        throw new BundleFormatException(
            "entry "
                + name
                + " declares "
                + bytes(size)
                + ", more than the "
                + bytes(limits.maxFileBytes())
                + " a bundle file may hold");
      }
      totalBytes += size;
      if (totalBytes > limits.maxTotalBytes()) {
        throw new BundleFormatException(
            "the entries declare more than "
                + bytes(limits.maxTotalBytes())
                + " in total, more than a bundle may hold");
      }
      return new Entry(name, size);
    }
  }

  /** The content of {@code entry}, which must be the entry {@link #next()} just returned. */
  byte[] read(Entry entry) throws IOException, BundleFormatException {
    // readNBytes grows its buffer as data arrives, so a short stream costs only what it holds.
    byte[] content = in.readNBytes((int) entry.size());
    if (content.length < entry.size()) {
      throw truncated(entry);
    }
    skipPadding(entry);
    return content;
  }

  /** Passes over the content of {@code entry} without keeping it. */
  void skip(Entry entry) throws IOException, BundleFormatException {
    long left = entry.size();
    byte[] buffer = new byte[8192];
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw truncated(entry);
      }
      left -= n;
    }
    skipPadding(entry);
  }

  private void skipPadding(Entry entry) throws IOException, BundleFormatException {
    int padding = (int) ((BLOCK - entry.size() % BLOCK) % BLOCK);
    if (in.readNBytes(padding).length < padding) {
      throw truncated(entry);
    }
  }

  private static BundleFormatException truncated(Entry entry) {
    return new BundleFormatException(
        "truncated tar archive: entry " + entry.name() + " is cut off");
  }

  private static void checkHeader(byte[] header) throws BundleFormatException {
    long stored = octalField(header, 148, 8);
    long computed = checksum(header);
    if (stored < 0 || (stored != computed && stored != signedChecksum(header))) {
      throw new BundleFormatException("not a tar archive (bad header checksum)");
    }
    boolean posix = matches(header, 257, "ustar\0");
    boolean gnu = matches(header, 257, "ustar ");
    if (!posix && !gnu) {
      throw new BundleFormatException("not a ustar tar archive (old or unknown tar format)");
    }
  }

  /** The entry name: prefix and name fields joined, leading {@code ./} removed, then checked. */
  private static String name(byte[] header) throws BundleFormatException {
    String name = field(header, 0, 100);
    boolean posix = matches(header, 257, "ustar\0");
    String prefix = posix ? field(header, 345, 155) : "";
    String full = prefix.isEmpty() ? name : prefix + "/" + name;
    for (int i = 0; i < full.length(); i++) {
      char c = full.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new BundleFormatException(
            "an entry name holds a control or non-ASCII character; bundles use plain names");
      }
    }
    String shown = shown(full);
    if (full.startsWith("/")) {
      throw new BundleFormatException("entry " + shown + " has an absolute path");
    }
    if (full.indexOf('\\') >= 0) {
      throw new BundleFormatException("entry " + shown + " has a backslash in its path");
    }
    String path = full;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty() || path.equals(".")) {
      return "";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw new BundleFormatException(
            "entry " + shown + " has '..' in its path (path traversal)");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw new BundleFormatException("entry " + shown + " has an empty or '.' path segment");
      }
    }
    return path;
  }

  private static String shown(String name) {
    return name.length() <= MAX_NAME_SHOWN ? name : name.substring(0, MAX_NAME_SHOWN) + "…";
  }

  /** The size field: octal digits, or GNU base-256 for sizes of 8 GiB and more. */
  private static long size(byte[] header, String name) throws BundleFormatException {
    if ((header[124] & 0x80) != 0) {
      if ((header[124] & 0x40) != 0) {
        throw new BundleFormatException("entry " + shown(name) + " declares a negative size");
      }
      long value = header[124] & 0x3f;
      for (int i = 125; i < 136; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          return Long.MAX_VALUE;
        }
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = octalField(header, 124, 12);
    if (value < 0) {
      throw new BundleFormatException("entry " + shown(name) + " has an unreadable size field");
    }
    return value;
  }

  /** An octal field padded with spaces or NULs; -1 when it holds anything else. */
  private static long octalField(byte[] header, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end && header[i] >= '0' && header[i] <= '7'; i++) {
      if (++digits > 21) {
        return -1;
      }
      value = value * 8 + (header[i] - '0');
    }
    for (; i < end; i++) {
      if (header[i] != ' ' && header[i] != 0) {
        return -1;
      }
    }
    return digits == 0 ? -1 : value;
  }

  /** The ustar header checksum: the byte sum with the checksum field read as spaces. */
  static long checksum(byte[] header) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    return sum;
  }

  /** The checksum some historic tars computed with signed bytes. */
  private static long signedChecksum(byte[] header) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    return sum;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.ISO_8859_1);
  }

  private static boolean matches(byte[] header, int offset, String text) {
    for (int i = 0; i < text.length(); i++) {
      if (header[offset + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String describeType(char type) {
    return switch (type) {
      case '1' -> "a hard link";
      case '2' -> "a symbolic link";
      case '3' -> "a character device";
      case '4' -> "a block device";
      case '6' -> "a named pipe";
      case '7' -> "a contiguous file";
      case 'x' -> "a pax extended header";
      case 'g' -> "a pax global header";
      case 'L' -> "a GNU long-name header";
      case 'K' -> "a GNU long-link header";
      case 'S' -> "a GNU sparse file";
      case 'V' -> "a volume label";
      case 'M' -> "a multi-volume continuation";
      default ->
          (type >= 0x21 && type <= 0x7e)
              ? "of tar type '" + type + "'"
              : String.format(Locale.ROOT, "of tar type 0x%02x", (int) type);
    };
  }

  static String bytes(long size) {
    if (size >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", size / (double) (1L << 30));
    }
    if (size >= 1L << 20) {
      return String.format(Locale.ROOT, "%d MiB", size >> 20);
    }
    if (size >= 1L << 10) {
      return String.format(Locale.ROOT, "%d KiB", size >> 10);
    }
    return size + " bytes";
  }
}
