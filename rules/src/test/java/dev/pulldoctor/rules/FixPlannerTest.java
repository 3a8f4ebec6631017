package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.engine.FixPlanner;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The plan {@code pulldoctor fix} prints, for every failing or warning fixture: once every chosen
 * fix is replayed, each finding the plan claims is gone, and nothing fails that did not fail
 * before.
 */
class FixPlannerTest {

  @TestFactory
  Stream<DynamicTest> a_plan_clears_what_it_claims_and_breaks_nothing() throws IOException {
    return RuleFixtureTest.each(RuleFixtureTest.FAIL_OR_WARN, FixPlannerTest::check);
  }

  private static void check(Path file) throws IOException {
    Fixture fixture = Fixture.load(file);
    FixPlan plan =
        new FixPlanner(new RuleEngine(Rules.all()))
            .plan(fixture.diagnosis(), fixture.diagnosis().now());
    for (FixPlan.Entry entry : plan.entries()) {
      Result finding = entry.finding();
      assertThat(plan.after().results())
          .as("%s: the plan claims %s but it remains", file, finding.rule())
          .noneMatch(
              r ->
                  r.rule().equals(finding.rule())
                      && String.valueOf(r.subject()).equals(String.valueOf(finding.subject()))
                      && String.valueOf(r.image()).equals(String.valueOf(finding.image()))
                      && r.status().isAtLeast(finding.status()));
    }
    assertThat(failures(plan.before()))
        .as("%s: the plan makes something fail: %s", file, plan.entries())
        .containsAll(failures(plan.after()));
  }

  private static Set<String> failures(Report report) {
    Set<String> failing = new TreeSet<>();
    for (Result r : report.results()) {
      if (r.status() == Status.FAIL) {
        failing.add(r.rule() + " " + r.subject() + " " + r.image());
      }
    }
    return failing;
  }
}
