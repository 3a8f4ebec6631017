package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.ChartFacts;
import dev.pulldoctor.rules.airbyte.LauncherFacts;
import dev.pulldoctor.rules.airbyte.VersionRange;
import dev.pulldoctor.rules.rbac.LauncherPermissions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/airbyte-versions.md is the tables the rules read, and every row names a public source. */
class AirbyteVersionsDocTest {
  private static final Path DOC = Path.of("../docs/airbyte-versions.md");

  /** Regenerate with -Dpulldoctor.updateDocs=true. */
  @Test
  void the_doc_shows_the_tables_the_rules_read() throws IOException {
    String expected = AirbyteVersionsDoc.markdown();
    if (Boolean.getBoolean("pulldoctor.updateDocs")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as(
            "docs/airbyte-versions.md is stale: run mvn -pl rules test"
                + " -Dtest=AirbyteVersionsDocTest -Dpulldoctor.updateDocs=true")
        .isEqualTo(expected);
  }

  @Test
  void every_row_cites_the_upstream_source_at_a_tag_or_a_published_chart() {
    Stream<String> sources =
        Stream.of(
                LauncherFacts.ROWS.stream().flatMap(r -> r.sources().stream()),
                LauncherPermissions.ROWS.stream().flatMap(r -> r.sources().stream()),
                ChartFacts.ROWS.stream().flatMap(r -> r.sources().stream()))
            .flatMap(s -> s);
    assertThat(sources)
        .allMatch(
            s ->
                s.matches(
                        "https://github\\.com/airbytehq/airbyte-platform/blob/v\\d[^/]*/\\S+#L\\d.*")
                    || s.matches(
                        "https://github\\.com/airbytehq/(helm-charts|charts)/blob/main/airbyte-[0-9.]+\\.tgz"
                            + " \\S+:\\d.*"));
  }

  @Test
  void chart_rows_cover_every_chart_version_once() {
    for (String version :
        List.of(
            "0.40.6", "0.50.50", "0.390.0", "0.399.0", "1.3.2", "1.4.0", "1.4.1", "1.8.5", "1.9.2",
            "2.0.0", "2.2.0", "3.0.0")) {
      AirbyteVersion v = AirbyteVersion.parse(version).orElseThrow();
      assertThat(ChartFacts.ROWS.stream().filter(r -> r.range().contains(v)))
          .as(version)
          .hasSize(1);
    }
    assertThat(ChartFacts.ROWS.get(0).range().from()).isNull();
    assertThat(ChartFacts.ROWS.get(ChartFacts.ROWS.size() - 1).range().until()).isNull();
    for (int i = 1; i < ChartFacts.ROWS.size(); i++) {
      VersionRange before = ChartFacts.ROWS.get(i - 1).range();
      assertThat(ChartFacts.ROWS.get(i).range().from()).isEqualTo(before.until());
    }
  }
}
