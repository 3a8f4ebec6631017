package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict} passes with the defaults and with every value set of the tests. */
class ChartLintTest {
  static List<Path> valueSets() {
    List<Path> sets = new ArrayList<>();
    sets.add(null);
    sets.addAll(Chart.ciValues());
    return sets;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  @DisplayName("helm lint --strict finds nothing")
  void strict_lint_passes(Path values, @TempDir Path scratch) throws Exception {
    LintResult lint = Chart.lint(values, scratch);

    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
  }
}
