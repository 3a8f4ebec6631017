package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Proof;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fix a fixture's failure or warning carries, and each of its alternatives, is proven by the
 * rule engine (replayed on the fixture's snapshot, every rule run again): the finding clears unless
 * the fix names a step outside the cluster, no other rule newly fails, and no fix deletes anything.
 */
class FixReplayTest {

  @TestFactory
  Stream<DynamicTest> every_fix_clears_its_finding_and_breaks_nothing() throws IOException {
    return RuleFixtureTest.each(RuleFixtureTest.FAIL_OR_WARN, FixReplayTest::check);
  }

  private static void check(Path file) throws IOException {
    Fixture fixture = Fixture.load(file);
    List<Result> results =
        new RuleEngine(Rules.all()).run(fixture.diagnosis(), fixture.diagnosis().now()).results();
    for (Result result : results) {
      assertThat(String.valueOf(result.remediation()))
          .as("%s: %s suggests deleting something", file, result.rule())
          .doesNotContain("kubectl delete");
      if (result.fix() == null || !result.status().isAtLeast(Status.WARN)) {
        continue;
      }
      for (Fix variant : variants(result.fix())) {
        Proof proof = variant.proof();
        assertThat(proof).as("%s: %s has an unproven fix", file, result.rule()).isNotNull();
        assertThat(proof.newFailures())
            .as("%s: the fix of %s makes other rules fail: %s", file, result.rule(), variant)
            .isEmpty();
        if (proof.manualSteps().isEmpty()) {
          assertThat(proof.clears())
              .as("%s: the fix of %s does not clear it: %s", file, result.rule(), variant)
              .isTrue();
        }
      }
    }
  }

  private static List<Fix> variants(Fix fix) {
    List<Fix> all = new ArrayList<>();
    all.add(fix);
    all.addAll(fix.alternatives());
    return all;
  }
}
