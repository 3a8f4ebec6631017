package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** 'analyze' reads a bundle unpacked with tar as it reads the .tar.gz. */
@ExtendWith(ProcessLeakCheck.class)
class AnalyzeDirectoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NOW = "2026-11-23T12:00:00Z";

  @TempDir Path dir;

  @Test
  void analyze_on_an_unpacked_bundle_gives_the_archive_report() throws Exception {
    Path archive = dir.resolve("airbyte-pulls.tar.gz");
    CliRun created =
        CliRun.of(
            "bundle",
            "create",
            "--offline",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "-f",
            archive.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
    Process tar =
        new ProcessBuilder("tar", "xzf", archive.toString(), "-C", unpacked.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).isZero();

    CliRun fromDirectory = CliRun.of("analyze", unpacked.toString(), "--now", NOW, "-o", "json");
    CliRun fromArchive = CliRun.of("analyze", archive.toString(), "--now", NOW, "-o", "json");

    assertThat(fromDirectory.exitCode()).as(fromDirectory.err()).isEqualTo(fromArchive.exitCode());
    assertThat(fromDirectory.err()).doesNotContain("no such bundle");
    ObjectNode directoryReport = (ObjectNode) JSON.readTree(fromDirectory.out());
    ObjectNode archiveReport = (ObjectNode) JSON.readTree(fromArchive.out());
    assertThat(directoryReport.path("source").path("context").asText())
        .isEqualTo(unpacked.toString());
    directoryReport.remove("source");
    archiveReport.remove("source");
    assertThat(directoryReport).isEqualTo(archiveReport);
    assertThat(directoryReport.path("results").size()).isGreaterThan(10);
  }

  @Test
  void a_path_that_is_neither_says_so() {
    CliRun run = CliRun.of("analyze", dir.resolve("nope").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .isEqualTo("pulldoctor: no such bundle file or directory: " + dir.resolve("nope") + "\n");
  }
}
