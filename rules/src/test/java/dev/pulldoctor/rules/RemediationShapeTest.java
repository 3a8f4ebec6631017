package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A remediation that holds a command is a structured fix whose steps hold the command, so the
 * renderers can put the command in a block of its own that a shell can run, and the command tests
 * can run it: prose (a remediation without a fix, a fix's reason, a manual step's text) names no
 * command line.
 */
class RemediationShapeTest {

  /** A tool at the start of a clause, then on the same line a flag: a command line. */
  static final Pattern COMMAND =
      Pattern.compile(
          "(?m)(^|[:;(]\\s*|\\b(e\\.g\\.|run|with|from a node)\\s+)"
              + "(kubectl|helm|docker|curl|aws|gcloud|az|kind|crictl|crane|abctl|nslookup)"
              + " [^\\n]*? --?[a-z]");

  @TestFactory
  Stream<DynamicTest> remediations_with_a_command_are_fixes() throws IOException {
    return RuleFixtureTest.each(f -> true, RemediationShapeTest::check);
  }

  private static void check(Path file) throws IOException {
    Fixture fixture = Fixture.load(file);
    List<Result> results =
        new RuleEngine(Rules.all()).run(fixture.diagnosis(), fixture.diagnosis().now()).results();
    for (Result result : results) {
      Fix fix = result.fix();
      if (fix == null) {
        if (result.remediation() != null) {
          assertProse(file, result, result.remediation());
        }
        continue;
      }
      List<Fix> variants = new ArrayList<>(fix.alternatives());
      variants.add(fix);
      for (Fix variant : variants) {
        assertProse(file, result, variant.reason());
        for (Step step : variant.steps()) {
          if (step instanceof Step.Manual manual) {
            assertProse(file, result, manual.text());
          }
        }
      }
    }
  }

  private static void assertProse(Path file, Result result, String text) {
    assertThat(COMMAND.matcher(text).find())
        .as("%s: %s prints a command as prose: %s", file, result.rule(), text)
        .isFalse();
  }
}
