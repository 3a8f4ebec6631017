package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.CollectionError;
import java.util.List;
import java.util.Optional;

/**
 * A check over a {@link Diagnosis}. Implementations are stateless final classes without I/O; they
 * return at least one result per run so readers see what passed, not only what failed.
 *
 * <p>A rule whose {@link RuleInfo#reads()} declares kinds is not called when one of them could not
 * be collected where {@link #readScope} says it reads them: {@link RuleEngine} reports {@link
 * #unreadable} instead, so {@link #evaluate} can take what the snapshot holds as complete.
 */
public interface Rule {
  RuleInfo info();

  List<Result> evaluate(Diagnosis diagnosis);

  /**
   * Where this run reads the kinds of {@link RuleInfo#reads()}; empty when it has nothing to read
   * them for (then {@link #evaluate} says why, e.g. no pull secret is named), and for a rule that
   * declares none.
   */
  default Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return Optional.empty();
  }

  /**
   * The result that stands for this rule when kinds it reads could not be collected; a rule
   * overrides it to add evidence or to say what it needed them for.
   */
  default Result unreadable(Diagnosis diagnosis, ReadScope scope, List<CollectionError> errors) {
    return Result.couldNotRun(info(), scope.subject(), null, errors);
  }
}
