package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Runs every fixture through the real rule, as the engine calls it (collection errors of the kinds
 * it reads are reported in its place): a {@code fail.*} file must give a fail, a {@code warn.*}
 * file a warning and no fail, a {@code pass.*} file a pass and nothing worse than skip. Adding a
 * case means adding a file.
 */
class RuleFixtureTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  /** A fixture's file names start with the status the rule gives it. */
  static final Predicate<Path> FAIL_OR_WARN =
      f -> f.getFileName().toString().matches("(fail|warn)\\..*");

  @TestFactory
  Stream<DynamicTest> fixtures() throws IOException {
    return each(f -> true, file -> check(Fixture.load(file)));
  }

  static Stream<Path> fixtureFiles() throws IOException {
    return Fixture.all(FIXTURES).stream();
  }

  /** One dynamic test per fixture file {@code which} picks, named by its path. */
  static Stream<DynamicTest> each(Predicate<Path> which, ThrowingConsumer<Path> check)
      throws IOException {
    return fixtureFiles()
        .filter(which)
        .map(
            file ->
                DynamicTest.dynamicTest(
                    FIXTURES.relativize(file).toString(), file.toUri(), () -> check.accept(file)));
  }

  private static void check(Fixture fixture) {
    Rule rule =
        Rules.byId(fixture.ruleId())
            .orElseThrow(() -> new AssertionError("no rule with id " + fixture.ruleId()));
    List<Result> results = RuleEngine.resultsOf(rule, fixture.diagnosis());
    String shown = describe(results);
    assertThat(results).as("results").isNotEmpty();
    assertThat(results).allSatisfy(r -> assertThat(r.rule()).isEqualTo(fixture.ruleId()));
    switch (fixture.expected()) {
      case FAIL -> assertThat(results).as(shown).anyMatch(r -> r.status() == Status.FAIL);
      case WARN -> {
        assertThat(results).as(shown).anyMatch(r -> r.status() == Status.WARN);
        assertThat(results).as(shown).noneMatch(r -> r.status() == Status.FAIL);
      }
      case PASS -> {
        assertThat(results).as(shown).anyMatch(r -> r.status() == Status.PASS);
        assertThat(results)
            .as(shown)
            .allMatch(r -> r.status() == Status.PASS || r.status() == Status.SKIP);
      }
      case SKIP -> assertThat(results).as(shown).allMatch(r -> r.status() == Status.SKIP);
      case ERROR -> assertThat(results).as(shown).anyMatch(r -> r.status() == Status.ERROR);
    }
    for (String expectation : fixture.expectations()) {
      assertThat(results)
          .as(
              "a "
                  + fixture.expected().word()
                  + " result containing '"
                  + expectation
                  + "' in\n"
                  + shown)
          .anyMatch(
              r ->
                  r.status() == fixture.expected()
                      && (r.message().contains(expectation)
                          || (r.remediation() != null && r.remediation().contains(expectation))));
    }
    for (String rejection : fixture.rejections()) {
      assertThat(results)
          .as("no result containing '" + rejection + "' in\n" + shown)
          .noneMatch(
              r ->
                  r.message().contains(rejection)
                      || (r.remediation() != null && r.remediation().contains(rejection)));
    }
  }

  private static String describe(List<Result> results) {
    StringBuilder out = new StringBuilder();
    for (Result r : results) {
      out.append(r.status().word()).append(": ").append(r.message());
      if (r.remediation() != null) {
        out.append("\n    fix: ").append(r.remediation());
      }
      out.append('\n');
    }
    return out.toString();
  }
}
