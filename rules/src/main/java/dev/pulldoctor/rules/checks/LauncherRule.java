package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.Status;
import java.util.List;
import java.util.Optional;

/**
 * A rule about the deployment that launches job pods: without one it has nothing to check and skips
 * (launcher.pull-secret-env reports the missing launcher), saying so in its own words.
 */
interface LauncherRule extends Rule {
  @Override
  default List<Result> evaluate(Diagnosis diagnosis) {
    Optional<Workload> launcher = diagnosis.install().jobLauncher();
    if (launcher.isEmpty()) {
      return List.of(Result.of(info(), Status.SKIP, withoutLauncher(diagnosis.install())));
    }
    return evaluate(diagnosis, launcher.get());
  }

  /** Why the rule skips when no launcher was found. */
  String withoutLauncher(AirbyteInstall install);

  /** The check of {@code launcher}, the deployment that launches job pods. */
  List<Result> evaluate(Diagnosis diagnosis, Workload launcher);
}
