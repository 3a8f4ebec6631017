package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user sees for each bundled example, reviewed into the repository: the table at 80 and 120
 * columns and the Markdown. A change to any of them shows as a diff of these files. After a
 * deliberate change, {@code mvn test -pl agent -Dtest=GoldenOutputTest -Dgolden.update=true}
 * rewrites them; review the diff before committing it.
 */
class GoldenOutputTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abctl-missing-pull-secret",
        "healthy-private-registry",
        "space-padded-secret-list",
        "worker-env-on-1x"
      })
  void every_example_reads_as_reviewed(String example) throws Exception {
    var report = Reports.example(example);
    for (int width : new int[] {80, 120}) {
      check(
          example + ".table." + width + ".txt",
          new TableRenderer(RenderOptions.plain("golden").withWidth(width)).render(report));
    }
    check(example + ".md", new MarkdownRenderer().render(report));
  }

  private static void check(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file (run with -Dgolden.update=true to create it)").exists();
    assertThat(actual).as(name).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
