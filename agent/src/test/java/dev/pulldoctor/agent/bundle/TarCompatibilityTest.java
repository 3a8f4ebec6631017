package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles are ordinary tar.gz files: GNU tar extracts them byte for byte, and a bundle a user
 * extracted and packed again with GNU tar still reads.
 */
@ExtendWith(ProcessLeakCheck.class)
class TarCompatibilityTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir Path dir;

  @Test
  void gnu_tar_extracts_a_bundle_and_its_repack_reads_back() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", "worker-env-on-1x")), null);
    Path bundle = dir.resolve("b.tar.gz");
    BundleWriter.write(new BundleRequest(snapshot, List.of(), true, NOW, "test", null), bundle);
    Path extracted = Files.createDirectories(dir.resolve("x"));

    run("tar", "-xzf", bundle.toString(), "-C", extracted.toString());

    Map<String, byte[]> entries = BundleRoundTripTest.entries(bundle);
    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
      assertThat(extracted.resolve(entry.getKey())).hasBinaryContent(entry.getValue());
    }
    assertThat(Files.getLastModifiedTime(extracted.resolve("manifest.json")).toInstant())
        .isEqualTo(NOW);

    Path repacked = dir.resolve("repacked.tar.gz");
    run("tar", "-czf", repacked.toString(), "-C", extracted.toString(), ".");
    Bundle read = new BundleReader().read(repacked);

    assertThat(read.snapshot().pods()).hasSameSizeAs(snapshot.pods());
    // Against the bundle as written: its pull-secret fingerprints are keyed per bundle, and it
    // holds none of other secrets, so they differ from the live snapshot's by design.
    assertThat(read.snapshot().secrets())
        .isNotEmpty()
        .isEqualTo(new BundleReader().read(bundle).snapshot().secrets());
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
  }
}
