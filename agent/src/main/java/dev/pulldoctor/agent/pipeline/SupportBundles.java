package dev.pulldoctor.agent.pipeline;

import dev.pulldoctor.agent.bundle.BundleRequest;
import dev.pulldoctor.agent.bundle.BundleWriter;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes support bundles, for {@code bundle create} and the daemon's {@code GET /api/v1/bundle}
 * alike: the same name, request and contents from a collected snapshot.
 */
public final class SupportBundles {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final List<String> images;
  private final boolean offline;
  private final String toolVersion;
  private final Clock clock;

  /**
   * Bundles recording these settings.
   *
   * @param images the images named by the user, kept so that {@code analyze} checks the same
   * @param offline whether the run made no network call except to the Kubernetes API
   */
  SupportBundles(List<String> images, boolean offline, String toolVersion, Clock clock) {
    this.images = List.copyOf(images);
    this.offline = offline;
    this.toolVersion = toolVersion;
    this.clock = clock;
  }

  /** The default name of a bundle captured at {@code capturedAt}. */
  public static String fileName(Instant capturedAt) {
    return "pulldoctor-bundle-" + STAMP.format(capturedAt) + ".tar.gz";
  }

  /** The API server's version for a bundle's manifest; the bundle is useful without it. */
  public static @Nullable String serverVersion(KubernetesClient client) {
    try {
      return client.getKubernetesVersion().getGitVersion();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  /** Writes the bundle of {@code snapshot} to {@code target}, replacing any file. */
  public BundleWriter.Written write(Snapshot snapshot, @Nullable String serverVersion, Path target)
      throws IOException {
    return BundleWriter.write(
        new BundleRequest(snapshot, images, offline, clock.instant(), toolVersion, serverVersion),
        target);
  }

  /**
   * The bundle of {@code snapshot} in memory, written to a temporary directory that is then
   * removed.
   *
   * @param made takes the bundle's default file name and its {@code .tar.gz} bytes
   */
  public <T> T make(
      Snapshot snapshot, @Nullable String serverVersion, BiFunction<String, byte[], T> made)
      throws IOException {
    Path dir = Files.createTempDirectory("pulldoctor-bundle");
    try {
      Path file = dir.resolve(fileName(snapshot.capturedAt()));
      write(snapshot, serverVersion, file);
      return made.apply(file.getFileName().toString(), Files.readAllBytes(file));
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path left : files.toList()) {
          Files.deleteIfExists(left);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
