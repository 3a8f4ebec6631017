package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart can only read files inside itself, so it carries copies of the alert rules and the
 * dashboard of {@code dashboards/}, the one source. The copies must be identical; regenerate them
 * with {@code mvn -o -q -pl deploy test -Dtest=ChartFilesTest -Dpulldoctor.updateChart=true}.
 */
class ChartFilesTest {
  private static final boolean UPDATE = Boolean.getBoolean("pulldoctor.updateChart");

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "dashboards/prometheus/pulldoctor-alerts.yaml, files/pulldoctor-alerts.yaml",
    "dashboards/grafana/pulldoctor.json, files/pulldoctor-dashboard.json"
  })
  void the_chart_carries_the_files_of_dashboards_unchanged(String source, String copy)
      throws IOException {
    Path from = Path.of("..").resolve(source);
    Path to = Chart.DIR.resolve(copy);
    if (UPDATE) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    assertThat(to)
        .as(
            "%s is a copy of %s; regenerate it with: mvn -o -q -pl deploy test"
                + " -Dtest=ChartFilesTest -Dpulldoctor.updateChart=true",
            copy, source)
        .hasSameBinaryContentAs(from);
  }

  @Test
  void the_chart_runs_the_image_of_this_version_by_default() throws IOException {
    String version = System.getProperty("pulldoctor.version");
    assertThat(version).as("surefire passes the project version").isNotBlank();

    assertThat(
            new YAMLMapper()
                .readTree(Chart.DIR.resolve("Chart.yaml").toFile())
                .get("appVersion")
                .asText())
        .isEqualTo(version);
  }
}
