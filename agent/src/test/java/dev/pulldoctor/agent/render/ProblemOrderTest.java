package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Problems are read root cause first: what a symptom points to comes before it. */
class ProblemOrderTest {
  private static final String IMAGE = "ghcr.io/acme-data/source-orders:0.3.1";

  @Test
  void the_example_starts_with_the_missing_secret_and_ends_with_the_warning() throws Exception {
    List<Result> problems = ProblemOrder.of(Reports.example("abctl-missing-pull-secret"));

    assertThat(problems)
        .extracting(Result::rule)
        .containsExactly("pullsecret.exists", "events.pull-failures", "kind.image-loaded");
  }

  @Test
  void a_warning_that_a_failure_depends_on_comes_before_the_failure() {
    Result symptom =
        result("events.pull-failures", Status.FAIL, IMAGE, "pull failed")
            .withEvidence(Result.DEPENDS_ON, List.of("pullsecret.registry-match"));
    Result cause = result("pullsecret.registry-match", Status.WARN, IMAGE, "no key matches");
    Result unrelated = result("launcher.rollout", Status.FAIL, null, "old pod");

    List<Result> problems = ProblemOrder.of(report(symptom, unrelated, cause));

    assertThat(problems)
        .extracting(Result::rule)
        .containsExactly("launcher.rollout", "pullsecret.registry-match", "events.pull-failures");
  }

  @Test
  void a_rule_named_in_a_message_is_a_cause_but_a_longer_id_containing_it_is_not() {
    Result symptom =
        result("kind.image-loaded", Status.FAIL, IMAGE, "pulling fails: see pullsecret.exists.");
    Result cause = result("pullsecret.exists", Status.WARN, null, "missing");
    Result notNamed =
        result("pullsecret.format", Status.WARN, null, "see pullsecret.format-like text");

    assertThat(ProblemOrder.of(report(symptom, notNamed, cause)))
        .extracting(Result::rule)
        .containsExactly("pullsecret.exists", "kind.image-loaded", "pullsecret.format");
  }

  @Test
  void a_cause_on_another_image_is_not_pulled_ahead() {
    Result symptom =
        result("events.pull-failures", Status.FAIL, IMAGE, "pull failed")
            .withEvidence(Result.DEPENDS_ON, List.of("registry.image-exists"));
    Result otherImage = result("registry.image-exists", Status.WARN, "quay.io/x/y:1", "no tag");

    assertThat(ProblemOrder.of(report(otherImage, symptom)))
        .extracting(Result::rule)
        .containsExactly("events.pull-failures", "registry.image-exists");
  }

  @Test
  void results_that_point_at_each_other_are_each_listed_once() {
    Result a = result("pullsecret.exists", Status.FAIL, null, "see pullsecret.format");
    Result b = result("pullsecret.format", Status.FAIL, null, "see pullsecret.exists");

    assertThat(ProblemOrder.of(report(a, b))).hasSize(2).doesNotHaveDuplicates();
  }

  private static Result result(String rule, Status status, String image, String message) {
    return new Result(rule, status, Severity.CRITICAL, null, image, message, null, Map.of(), null);
  }

  private static Report report(Result... results) {
    try {
      Report base = Reports.example("abctl-missing-pull-secret");
      return new Report(
          base.generatedAt(),
          base.source(),
          base.airbyte(),
          base.images(),
          List.of(results),
          Summary.of(List.of(results)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
