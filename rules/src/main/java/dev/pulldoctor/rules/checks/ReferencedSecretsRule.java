package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.Status;
import java.util.List;
import java.util.Optional;

/**
 * A rule about the pull secrets job pods name ({@link ReferencedSecrets}): it reads Secrets in the
 * job namespace once some are named, and with none named it has nothing to check and skips, saying
 * so in its own words.
 */
interface ReferencedSecretsRule extends Rule {
  @Override
  default Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return ReferencedSecrets.readScope(diagnosis);
  }

  @Override
  default List<Result> evaluate(Diagnosis diagnosis) {
    ReferencedSecrets referenced = ReferencedSecrets.of(diagnosis);
    if (referenced.isEmpty()) {
      return List.of(Result.of(info(), Status.SKIP, noneNamed(referenced.namespace())));
    }
    return evaluate(diagnosis, referenced);
  }

  /** Why the rule skips when job pods in {@code namespace} name no pull secret. */
  String noneNamed(String namespace);

  /** The check of the pull secrets job pods name; {@code referenced} names at least one. */
  List<Result> evaluate(Diagnosis diagnosis, ReferencedSecrets referenced);
}
