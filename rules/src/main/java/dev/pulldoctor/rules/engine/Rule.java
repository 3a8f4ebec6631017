package dev.pulldoctor.rules.engine;

import java.util.List;

/**
 * A check over a {@link Diagnosis}. Implementations are stateless final classes without I/O; they
 * return at least one result per run so readers see what passed, not only what failed.
 */
public interface Rule {
  RuleInfo info();

  List<Result> evaluate(Diagnosis diagnosis);
}
