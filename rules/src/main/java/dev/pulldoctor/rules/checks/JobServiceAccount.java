package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.ObjectRef;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.Optional;

/** The service account job pods run as, as the rules about its contents find it. */
record JobServiceAccount(ObjectRef ref) {

  static JobServiceAccount of(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    return new JobServiceAccount(
        ObjectRef.of("ServiceAccount", install.jobNamespace(), install.jobServiceAccount()));
  }

  /** Service accounts are read in the job namespace, and a failure is about this account. */
  ReadScope readScope() {
    return ReadScope.object(ref);
  }

  Optional<ServiceAccount> find(Diagnosis diagnosis) {
    return diagnosis.snapshot().serviceAccount(namespace(), ref.name());
  }

  /** A skip: with no account there are no contents to check; serviceaccount.exists fails it. */
  Result notFound(RuleInfo rule) {
    return Result.about(
        rule,
        Status.SKIP,
        ref,
        "ServiceAccount "
            + ref.name()
            + " was not found in namespace "
            + namespace()
            + " (see serviceaccount.exists)");
  }

  private String namespace() {
    return readScope().namespace();
  }
}
