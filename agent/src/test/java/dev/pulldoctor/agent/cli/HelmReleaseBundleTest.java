package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A support bundle made from an install whose Helm release record holds passwords keeps the
 * release's chart and the misspelt key, so analyze names them as diagnose did, and no password.
 */
class HelmReleaseBundleTest {
  private static final Path CASE =
      Path.of("src/test/resources/conformance/charts/2.2.0/wrong-spelling");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void analyze_names_the_misspelt_key_from_the_bundle_and_no_canary_is_in_it() throws Exception {
    Path bundle = dir.resolve("bundle.tar.gz");
    CliRun create =
        CliRun.of(
            "bundle",
            "create",
            "--manifests",
            CASE.resolve("render.yaml").toString(),
            "--manifests",
            CASE.resolve("cluster.yaml").toString(),
            "--manifests",
            CASE.resolve("helm-release.yaml").toString(),
            "--offline",
            "-f",
            bundle.toString());
    assertThat(create.exitCode()).as(create.err()).isZero();

    CliRun analyze = CliRun.of("analyze", bundle.toString(), "-o", "json");

    JsonNode report = JSON.readTree(analyze.out());
    assertThat(report.path("airbyte").path("helmRelease").path("chart").asText())
        .isEqualTo("airbyte-2.2.0");
    assertThat(analyze.out())
        .contains("global.jobs.kube.main_container_image_pull_secret: regcred")
        .contains("it reads global.jobs.kube.mainContainerImagePullSecret")
        .doesNotContain("CANARY");
    assertThat(gunzip(bundle)).doesNotContain("CANARY");
    assertThat(create.out() + create.err() + analyze.err()).doesNotContain("CANARY");
  }

  private static String gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
