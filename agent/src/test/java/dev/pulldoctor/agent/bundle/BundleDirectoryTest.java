package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle unpacked into a directory reads as the archive does, and is as untrusted: a link is
 * never followed (out of the directory or within it), a special file is never opened, and the
 * archive's size limits hold.
 */
@ExtendWith(ProcessLeakCheck.class)
class BundleDirectoryTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static Map<String, byte[]> valid;

  @TempDir Path dir;
  private Path bundle;
  private Path outside;

  @BeforeAll
  static void makeValidBundle() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    valid =
        BundleContents.build(new BundleRequest(snapshot, List.of(), true, NOW, "test", null))
            .files();
  }

  @BeforeEach
  void unpack() throws IOException {
    bundle = dir.resolve("unpacked");
    outside = Files.createDirectories(dir.resolve("elsewhere"));
    for (Map.Entry<String, byte[]> file : valid.entrySet()) {
      Path target = bundle.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
  }

  @Test
  void an_unpacked_bundle_reads_as_its_archive() throws Exception {
    // The archive of the very files unpacked: a second bundle would have its own fingerprint key.
    Path archive = dir.resolve("b.tar.gz");
    try (java.io.OutputStream out = Files.newOutputStream(archive)) {
      BundleWriter.archive(valid, NOW, out);
    }

    Bundle fromDirectory = new BundleReader().read(bundle);
    Bundle fromArchive = new BundleReader().read(archive);

    assertThat(fromDirectory.manifest()).isEqualTo(fromArchive.manifest());
    assertThat(fromDirectory.snapshot().deployments())
        .isNotEmpty()
        .isEqualTo(fromArchive.snapshot().deployments());
    assertThat(fromDirectory.snapshot().secrets()).isEqualTo(fromArchive.snapshot().secrets());
    assertThat(fromDirectory.snapshot().source().context()).isEqualTo(bundle.toString());
  }

  @Test
  void a_file_linked_out_of_the_directory_is_refused() throws Exception {
    Path secret = Files.writeString(outside.resolve("stolen.yaml"), "kind: List\nitems: []\n");
    Path pods = bundle.resolve("objects/pods.yaml");
    Files.delete(pods);
    Files.createSymbolicLink(pods, secret);

    assertRefused(
        "objects/pods.yaml is a symbolic link; a bundle holds only regular files and directories");
  }

  @Test
  void a_directory_linked_out_of_the_directory_is_refused() throws Exception {
    Path objects = bundle.resolve("objects");
    Files.move(objects, outside.resolve("objects"));
    Files.createSymbolicLink(objects, outside.resolve("objects"));

    assertRefused("objects is a symbolic link; a bundle holds only regular files and directories");
  }

  @Test
  void a_link_within_the_directory_is_refused_too() throws Exception {
    Path manifest = bundle.resolve("manifest.json");
    Files.move(manifest, bundle.resolve("manifest.copy"));
    Files.createSymbolicLink(manifest, Path.of("manifest.copy"));

    assertRefused(
        "manifest.json is a symbolic link; a bundle holds only regular files and directories");
  }

  @Test
  void a_named_pipe_is_refused_without_waiting_on_it() throws Exception {
    Path manifest = bundle.resolve("manifest.json");
    Files.delete(manifest);
    Process mkfifo = new ProcessBuilder("mkfifo", manifest.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    assertRefused("manifest.json is not a regular file");
  }

  @Test
  void a_file_over_the_size_limit_is_refused() {
    long podsBytes = valid.get("objects/pods.yaml").length;
    BundleLimits limits = new BundleLimits(256, podsBytes - 1, 1L << 30, 200_000, 10_000_000);

    assertThatThrownBy(() -> new BundleReader(limits).read(bundle))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(" is larger than the ")
        .hasMessageContaining(" a bundle file may hold");
  }

  @Test
  void files_over_the_total_limit_are_refused() {
    long total = valid.values().stream().mapToLong(b -> b.length).sum();
    BundleLimits limits = new BundleLimits(256, 128L << 20, total / 4, 200_000, 10_000_000);

    assertThatThrownBy(() -> new BundleReader(limits).read(bundle))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("in total, more than a bundle may hold");
  }

  @Test
  void a_directory_without_a_manifest_is_not_a_bundle() throws Exception {
    Files.delete(bundle.resolve("manifest.json"));

    assertRefused("not a pulldoctor support bundle (no manifest.json)");
  }

  private void assertRefused(String reason) {
    assertThatThrownBy(() -> new BundleReader().read(bundle))
        .isInstanceOf(InputException.class)
        .hasMessage(bundle + ": " + reason);
  }
}
