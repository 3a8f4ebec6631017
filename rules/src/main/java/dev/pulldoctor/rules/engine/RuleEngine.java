package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Proof;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.redact.SecretText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every rule in registry order. A rule that throws yields one {@code error} result instead of
 * ending the run, and a rule that returns nothing yields a {@code skip}, so every rule is visible
 * in every report. A rule that cannot run because a kind it reads was not collected is not called:
 * the engine reports that once, in its place. Every fix of a failure or warning is then proven
 * ({@link FixProof}): replayed on the snapshot, with every rule run again, before the report shows
 * it.
 */
public final class RuleEngine {
  private final List<Rule> rules;

  public RuleEngine(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public Report run(Diagnosis diagnosis, Instant generatedAt) {
    List<Result> results = evaluate(diagnosis);
    List<Result> proven = new ArrayList<>(results.size());
    for (Result result : results) {
      proven.add(prove(diagnosis, results, result));
    }
    // The one point every report passes: CLI, daemon and bundle all render what run returns.
    return new ReportRedaction(SecretText.of(diagnosis.snapshot()))
        .apply(report(diagnosis, generatedAt, proven));
  }

  /** Every rule's results, fixes not proven. */
  public List<Result> evaluate(Diagnosis diagnosis) {
    List<Result> results = new ArrayList<>();
    for (Rule rule : rules) {
      results.addAll(evaluateSafely(rule, diagnosis));
    }
    return results;
  }

  private Result prove(Diagnosis diagnosis, List<Result> results, Result result) {
    Fix fix = result.fix();
    if (fix == null || !result.status().isAtLeast(Status.WARN)) {
      return result;
    }
    List<Proof> alternatives = new ArrayList<>();
    for (Fix alternative : fix.alternatives()) {
      alternatives.add(FixProof.prove(diagnosis, results, result, alternative, this::evaluate));
    }
    return result.withFix(
        fix.proven(FixProof.prove(diagnosis, results, result, fix, this::evaluate), alternatives));
  }

  private static Report report(Diagnosis diagnosis, Instant generatedAt, List<Result> results) {
    return new Report(
        generatedAt,
        diagnosis.snapshot().source(),
        diagnosis.install(),
        diagnosis.images(),
        results,
        Summary.of(results));
  }

  static List<Result> evaluateSafely(Rule rule, Diagnosis diagnosis) {
    List<Result> results;
    try {
      results = resultsOf(rule, diagnosis);
    } catch (RuntimeException e) {
      return List.of(crashed(rule.info(), e));
    }
    if (results.isEmpty()) {
      return List.of(Result.of(rule.info(), Status.SKIP, "nothing to check"));
    }
    return results;
  }

  /**
   * One rule's results: what it says when a kind it {@link RuleInfo#reads() reads} could not be
   * collected, else what it returns. Unlike a run, a rule that throws ends this call.
   */
  public static List<Result> resultsOf(Rule rule, Diagnosis diagnosis) {
    Optional<ReadScope> scope = rule.readScope(diagnosis);
    if (scope.isPresent()) {
      List<CollectionError> unreadable =
          rule.info().reads().stream()
              .flatMap(
                  kind ->
                      diagnosis.snapshot().collectionError(kind, scope.get().namespace()).stream())
              .toList();
      if (!unreadable.isEmpty()) {
        return List.of(rule.unreadable(diagnosis, scope.get(), unreadable));
      }
    }
    return rule.evaluate(diagnosis);
  }

  private static Result crashed(RuleInfo rule, RuntimeException e) {
    // Only the exception type and where it was thrown: messages may quote input.
    StackTraceElement[] trace = e.getStackTrace();
    String where =
        trace.length == 0 ? "unknown" : trace[0].getClassName() + ":" + trace[0].getLineNumber();
    return Result.of(
            rule,
            Status.ERROR,
            "the check could not run: internal error "
                + e.getClass().getSimpleName()
                + " in rule "
                + rule.id()
                + "; please report it with the output of 'pulldoctor version'")
        .withEvidence(Map.of("exception", e.getClass().getName(), "at", where));
  }
}
