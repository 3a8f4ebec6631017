package dev.pulldoctor.agent.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the files of a bundle unpacked into a directory ({@code tar xzf}) under the same limits as
 * the archive, as untrusted as the archive: only the files a bundle holds are read, each must be a
 * regular file reached without a symbolic link (a link could point anywhere on the machine), and no
 * file may be larger than {@link BundleLimits#maxFileBytes} nor all of them together than {@link
 * BundleLimits#maxTotalBytes}, whatever size they claimed when checked.
 */
final class BundleDirectory {
  private final Path root;
  private final BundleLimits limits;
  private long totalBytes;

  BundleDirectory(Path root, BundleLimits limits) {
    this.root = root;
    this.limits = limits;
  }

  /** The content of each of {@code names} that exists; a missing one is left to the caller. */
  Map<String, byte[]> read(List<String> names) throws IOException, BundleFormatException {
    Map<String, byte[]> entries = new HashMap<>();
    for (String name : names) {
      byte[] content = file(name);
      if (content != null) {
        entries.put(name, content);
      }
    }
    return entries;
  }

  private byte @Nullable [] file(String name) throws IOException, BundleFormatException {
    Path path = root;
    String[] segments = name.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      path = path.resolve(segments[i]);
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return null;
      }
      String shown = String.join("/", List.of(segments).subList(0, i + 1));
      if (attributes.isSymbolicLink()) {
        throw new BundleFormatException(
            shown + " is a symbolic link; a bundle holds only regular files and directories");
      }
      boolean last = i == segments.length - 1;
      if (!last && !attributes.isDirectory()) {
        throw new BundleFormatException(shown + " is not a directory");
      }
      if (last && !attributes.isRegularFile()) {
        throw new BundleFormatException(shown + " is not a regular file");
      }
    }
    // NOFOLLOW_LINKS again when opening: a link swapped in since the check is refused, not read.
    try (InputStream in =
        Channels.newInputStream(
            Files.newByteChannel(
                path, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
      byte[] content =
          in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
      if (content.length > limits.maxFileBytes()) {
        throw new BundleFormatException(
            name
                + " is larger than the "
                + UstarReader.bytes(limits.maxFileBytes())
                + " a bundle file may hold");
      }
      totalBytes += content.length;
      if (totalBytes > limits.maxTotalBytes()) {
        throw new BundleFormatException(
            "the files hold more than "
                + UstarReader.bytes(limits.maxTotalBytes())
                + " in total, more than a bundle may hold");
      }
      return content;
    }
  }
}
