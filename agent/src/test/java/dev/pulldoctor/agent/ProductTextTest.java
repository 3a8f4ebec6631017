package dev.pulldoctor.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What users get (rule explanations and references, docs, examples, the chart, the README) cites
 * only public sources or files of this repository, never the project workspace around it.
 */
class ProductTextTest {
  /** Paths relative to the agent module, the tests' working directory. */
  private static final List<Path> PRODUCT =
      Stream.of(
              "../rules/src/main",
              "src/main",
              "../docs",
              "../helm",
              "../README.md",
              "../examples",
              "../dashboards",
              "../deploy/src/image",
              "../deploy/src/krew",
              "../bin")
          .map(Path::of)
          .toList();

  private static final List<String> OUTSIDE =
      List.of("shared/reference", "shared/DESIGN", "shared/seed", "../shared");

  @Test
  void product_text_cites_no_path_outside_the_repository() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    for (Path root : PRODUCT) {
      assertThat(root).as("product path").exists();
      List<Path> texts;
      try (Stream<Path> walk = Files.walk(root)) {
        texts =
            walk.filter(Files::isRegularFile)
                .filter(p -> !p.toString().contains("/target/"))
                .sorted()
                .toList();
      }
      for (Path file : texts) {
        byte[] bytes = Files.readAllBytes(file);
        if (isBinary(bytes)) {
          continue;
        }
        files++;
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          for (String outside : OUTSIDE) {
            if (lines[i].contains(outside)) {
              found.add(file.normalize() + ":" + (i + 1) + ": " + lines[i].strip());
              break;
            }
          }
        }
      }
    }
    assertThat(files).as("text files scanned").isGreaterThan(100);
    assertThat(found)
        .as(
            "product text citing paths outside this repository (cite a public URL or a docs/"
                + " file instead)")
        .isEmpty();
  }

  private static boolean isBinary(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }
}
