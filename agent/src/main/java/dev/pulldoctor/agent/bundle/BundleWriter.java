package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.engine.Report;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a support bundle: a {@code .tar.gz} of the files {@link BundleContents} makes. The archive
 * is deterministic (entries in a fixed order, the capture time as every entry's mtime, owner 0/0,
 * and the JDK's gzip header, whose timestamp is always zero) and written atomically: to a temporary
 * file next to the target, flushed to disk, then renamed, so a killed run never leaves a partial
 * bundle under the final name.
 */
public final class BundleWriter {
  /**
   * What was written.
   *
   * @param file the bundle
   * @param bytes its size
   * @param files how many files it holds
   * @param redactions how many values were left out
   * @param report the report stored in the bundle
   */
  public record Written(Path file, long bytes, int files, int redactions, Report report) {}

  private BundleWriter() {}

  /** Builds the bundle for {@code request} and writes it to {@code target}, replacing any file. */
  public static Written write(BundleRequest request, Path target) throws IOException {
    BundleContents.Built built = BundleContents.build(request);
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temp = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        archive(built.files(), request.snapshot().capturedAt(), out);
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return new Written(
        absolute,
        Files.size(absolute),
        built.files().size(),
        built.redactions().size(),
        built.report());
  }

  /** Writes {@code files} as a gzip-compressed ustar archive, in map order. */
  static void archive(Map<String, byte[]> files, Instant mtime, OutputStream out)
      throws IOException {
    GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
    UstarWriter tar = new UstarWriter(gzip, mtime);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      tar.add(file.getKey(), file.getValue());
    }
    tar.finish();
    gzip.finish();
    out.flush();
  }
}
