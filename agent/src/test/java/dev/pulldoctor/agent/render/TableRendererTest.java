package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table a user reads first: the point on top, every line within the terminal. */
class TableRendererTest {
  private static final List<String> EXAMPLES =
      List.of(
          "abctl-missing-pull-secret",
          "healthy-private-registry",
          "space-padded-secret-list",
          "worker-env-on-1x");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abctl-missing-pull-secret",
        "healthy-private-registry",
        "space-padded-secret-list",
        "worker-env-on-1x"
      })
  void the_first_line_after_the_header_is_the_first_root_cause(String example) throws Exception {
    Report report = Reports.example(example);
    List<String> lines = lines(table(report, 80, false));

    String first = lines.get(lines.indexOf("") + 1);

    List<Result> problems = ProblemOrder.of(report);
    if (problems.isEmpty()) {
      assertThat(first).isEqualTo("No problems found: every check that applies passed.");
    } else {
      Result cause = problems.get(0);
      assertThat(first)
          .startsWith("1. " + cause.status().word().toUpperCase(java.util.Locale.ROOT) + " ")
          .contains(cause.rule());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {60, 80, 120})
  void prose_is_wrapped_to_the_width_and_commands_are_left_whole(int width) throws Exception {
    for (String example : EXAMPLES) {
      Report report = Reports.example(example);
      java.util.Set<String> code = code(report);
      for (boolean all : List.of(false, true)) {
        for (String line : lines(table(report, width, all))) {
          if (Wrap.columns(line) > width) {
            assertThat(code.contains(line.strip()) || !line.strip().contains(" "))
                .as(
                    "%s at %d columns: a line over the width is a command or one long word: %s",
                    example, width, line)
                .isTrue();
          }
        }
      }
    }
  }

  /** The lines of commands and values in the report's fixes, which are never wrapped. */
  private static java.util.Set<String> code(Report report) {
    java.util.Set<String> code = new java.util.HashSet<>();
    for (Result result : report.results()) {
      if (result.fix() != null) {
        for (FixBlocks.Block block : FixBlocks.of(result.fix())) {
          if (block.code() != null) {
            for (String line : block.code().split("\n", -1)) {
              code.add(line.strip());
            }
          }
        }
      }
    }
    return code;
  }

  @Test
  void colour_codes_take_no_columns() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");

    String plain = table(report, 80, false);
    String coloured = table(report, 80, false, true);

    assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
    assertThat(coloured).contains("\u001b[31mFAIL\u001b[0m");
  }

  @Test
  void passes_and_skips_are_one_count_line_per_section_unless_show_all() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");

    String folded = table(report, 100, false);
    String all = table(report, 100, true);

    assertThat(folded)
        .doesNotContain("PASS  ", "SKIP  ")
        .contains(
            """
            Passed and skipped (--show-all lists them):
              Install: 6 pass, 5 skip
              Image ghcr.io/acme-data/source-orders:0.3.1: 1 pass, 6 skip
            """);
    for (Result result : report.results()) {
      if (!result.status().isAtLeast(Status.WARN)) {
        assertThat(all)
            .contains(
                "  "
                    + result.status().word().toUpperCase(java.util.Locale.ROOT)
                    + "  "
                    + result.rule());
      }
    }
  }

  @Test
  void twenty_thousand_pods_are_three_names_and_a_count() throws Exception {
    Report base = Reports.example("abctl-missing-pull-secret");
    TargetImage image = base.images().get(0);
    List<ObjectRef> pods =
        IntStream.range(0, 20_000)
            .mapToObj(i -> ObjectRef.of("Pod", "airbyte-abctl", "source-orders-check-" + i))
            .toList();
    List<TargetImage> images = new ArrayList<>();
    images.add(new TargetImage(image.requested(), image.effective(), image.origin(), pods));
    Report report =
        new Report(
            base.generatedAt(),
            base.source(),
            base.airbyte(),
            images,
            base.results(),
            base.summary());

    String all = table(report, 100, true);
    String markdown = new MarkdownRenderer().render(report);

    assertThat(all.replaceAll("\\s+", " "))
        .contains(
            "pods source-orders-check-0, source-orders-check-1, source-orders-check-2 and 19,997"
                + " more")
        .doesNotContain("source-orders-check-3,");
    assertThat(lines(all).stream().mapToInt(String::length).max().orElseThrow()).isLessThan(400);
    assertThat(markdown.replaceAll("\\s+", " "))
        .contains("and 19,997 more")
        .doesNotContain("source-orders-check-3,");
  }

  private static String table(Report report, int width, boolean all) {
    return table(report, width, all, false);
  }

  private static String table(Report report, int width, boolean all, boolean color) {
    return new TableRenderer(
            RenderOptions.plain("test").withWidth(width).withShowAll(all).withColor(color))
        .render(report);
  }

  private static List<String> lines(String text) {
    return List.of(text.split("\n", -1));
  }
}
