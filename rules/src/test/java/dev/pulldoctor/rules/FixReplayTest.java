package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Replay;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every structured fix a fixture's failure or warning carries, and each of its alternatives, is
 * replayed on the fixture's snapshot and the whole rule set runs again: the finding clears (unless
 * the fix names a step outside the cluster, which a replay cannot apply), no other rule newly
 * fails, and no fix deletes anything.
 */
class FixReplayTest {

  @TestFactory
  Stream<DynamicTest> every_fix_clears_its_finding_and_breaks_nothing() throws IOException {
    return RuleFixtureTest.fixtureFiles()
        .filter(f -> f.getFileName().toString().matches("(fail|warn)\\..*"))
        .map(
            file ->
                DynamicTest.dynamicTest(
                    RuleFixtureTest.FIXTURES.relativize(file).toString(),
                    file.toUri(),
                    () -> check(file)));
  }

  private static void check(Path file) throws IOException {
    Fixture fixture = Fixture.load(file);
    Diagnosis before = fixture.diagnosis();
    List<Result> results = run(before);
    for (Result result : results) {
      assertThat(String.valueOf(result.remediation()))
          .as("%s: %s suggests deleting something", file, result.rule())
          .doesNotContain("kubectl delete");
      if (!result.rule().equals(fixture.ruleId())
          || result.fix() == null
          || !result.status().isAtLeast(Status.WARN)) {
        continue;
      }
      List<Fix> variants = new ArrayList<>();
      variants.add(result.fix());
      variants.addAll(result.fix().alternatives());
      for (Fix variant : variants) {
        if (variant.steps().stream().noneMatch(Step::replayable)) {
          continue;
        }
        Snapshot after = Replay.apply(before.snapshot(), variant);
        List<Result> replayed =
            run(Diagnosis.of(after, before.now(), before.offline(), fixture.images()));
        String shown = describe(variant, replayed);
        if (variant.manualSteps().isEmpty()) {
          assertThat(replayed)
              .as("%s: the fix does not clear its finding\n%s", file, shown)
              .noneMatch(r -> same(r, result) && r.status().isAtLeast(result.status()));
        }
        assertThat(failures(replayed))
            .as("%s: the fix makes other rules fail\n%s", file, shown)
            .isSubsetOf(failures(results));
      }
    }
  }

  private static List<Result> run(Diagnosis diagnosis) {
    return new RuleEngine(Rules.all()).run(diagnosis, diagnosis.now()).results();
  }

  private static boolean same(Result a, Result b) {
    return a.rule().equals(b.rule())
        && String.valueOf(a.subject()).equals(String.valueOf(b.subject()))
        && String.valueOf(a.image()).equals(String.valueOf(b.image()));
  }

  private static Set<String> failures(List<Result> results) {
    Set<String> failing = new TreeSet<>();
    for (Result r : results) {
      if (r.status() == Status.FAIL) {
        failing.add(r.rule() + " " + r.subject() + " " + r.image());
      }
    }
    return failing;
  }

  private static String describe(Fix fix, List<Result> results) {
    StringBuilder out = new StringBuilder("fix: ").append(fix).append("\nafter replay:\n");
    for (Result r : results) {
      if (r.status().isAtLeast(Status.WARN)) {
        out.append("  ")
            .append(r.status().word())
            .append(' ')
            .append(r.rule())
            .append(": ")
            .append(r.message())
            .append('\n');
      }
    }
    return out.toString();
  }
}
