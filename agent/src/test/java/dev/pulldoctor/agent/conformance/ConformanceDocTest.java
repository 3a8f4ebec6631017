package dev.pulldoctor.agent.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The counts table of docs/conformance.md says what the conformance fixtures hold: per source, the
 * cases ported, how many agree and how many are documented differences (the conformance tests
 * themselves make every other case agree).
 */
class ConformanceDocTest {
  private static final Path DOC = Path.of("../docs/conformance.md");
  private static final Path CHARTS = Path.of("src/test/resources/conformance");
  private static final Path RULES = Path.of("../rules/src/test/resources/conformance");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One row's fixtures and counts. */
  record Row(String fixtures, int cases, int agree, int differences) {}

  @Test
  void the_counts_table_matches_the_fixtures() throws IOException {
    assertThat(documented()).isEqualTo(actual());
  }

  @Test
  void every_source_with_fixtures_has_a_row() throws IOException {
    try (Stream<Path> charts = Files.list(CHARTS.resolve("charts"));
        Stream<Path> sources = Files.walk(RULES)) {
      List<String> fixtures = new ArrayList<>();
      charts.filter(Files::isDirectory).forEach(p -> fixtures.add("charts/" + p.getFileName()));
      sources
          .filter(p -> p.toString().endsWith(".yaml"))
          .forEach(p -> fixtures.add(RULES.relativize(p).toString()));
      assertThat(documented().keySet()).containsExactlyInAnyOrderElementsOf(fixtures);
    }
  }

  private static Map<String, Row> documented() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String table =
        doc.substring(doc.indexOf("<!-- counts:begin -->"), doc.indexOf("<!-- counts:end -->"));
    Map<String, Row> rows = new TreeMap<>();
    for (String line : table.lines().toList()) {
      List<String> cells = cells(line);
      if (cells.size() != 6 || !cells.get(2).startsWith("`")) {
        continue;
      }
      String fixtures = cells.get(2).replace("`", "");
      rows.put(
          fixtures,
          new Row(
              fixtures,
              Integer.parseInt(cells.get(3)),
              Integer.parseInt(cells.get(4)),
              Integer.parseInt(cells.get(5))));
    }
    return rows;
  }

  private static Map<String, Row> actual() throws IOException {
    Map<String, Row> rows = new TreeMap<>();
    for (String fixtures : documented().keySet()) {
      rows.put(fixtures, fixtures.startsWith("charts/") ? chartRow(fixtures) : yamlRow(fixtures));
    }
    return rows;
  }

  /** A chart's cases are its case directories; one whose expect.yaml has a difference differs. */
  private static Row chartRow(String fixtures) throws IOException {
    int cases = 0;
    int differences = 0;
    try (Stream<Path> dirs = Files.list(CHARTS.resolve(fixtures))) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        cases++;
        JsonNode expect = YAML.readTree(dir.resolve("expect.yaml").toFile());
        if (expect.has("difference")) {
          differences++;
        }
      }
    }
    return new Row(fixtures, cases, cases - differences, differences);
  }

  /** A YAML fixture's cases are its {@code cases} entries; those with {@code difference} differ. */
  private static Row yamlRow(String fixtures) throws IOException {
    JsonNode cases = YAML.readTree(RULES.resolve(fixtures).toFile()).path("cases");
    int differences = 0;
    for (JsonNode c : cases) {
      if (c.has("difference")) {
        differences++;
      }
    }
    return new Row(fixtures, cases.size(), cases.size() - differences, differences);
  }

  private static List<String> cells(String line) {
    if (!line.startsWith("|")) {
      return List.of();
    }
    List<String> cells = new ArrayList<>();
    for (String cell : line.substring(1).split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells.subList(0, cells.size() - 1);
  }
}
