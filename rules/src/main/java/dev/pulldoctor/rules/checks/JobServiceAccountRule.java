package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Optional;

/**
 * A rule about the contents of the service account job pods run as ({@link JobServiceAccount}): it
 * reads service accounts in the job namespace, and skips when the account is not there
 * (serviceaccount.exists fails it).
 */
interface JobServiceAccountRule extends Rule {
  /**
   * {@code described} as the metadata of a rule of this kind: it cannot run without service
   * accounts, which {@link #readScope} says where to read.
   */
  static RuleInfo readingServiceAccounts(RuleInfo described) {
    return new RuleInfo(
        described.id(),
        described.title(),
        described.severity(),
        described.explanation(),
        described.remediation(),
        described.references(),
        List.of(ResourceKind.SERVICE_ACCOUNTS));
  }

  @Override
  default Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return Optional.of(JobServiceAccount.of(diagnosis).readScope());
  }

  @Override
  default List<Result> evaluate(Diagnosis diagnosis) {
    JobServiceAccount jobAccount = JobServiceAccount.of(diagnosis);
    Optional<ServiceAccount> account = jobAccount.find(diagnosis);
    if (account.isEmpty()) {
      return List.of(jobAccount.notFound(info()));
    }
    return evaluate(diagnosis, jobAccount.ref(), account.get());
  }

  /** The check of {@code account}, found as {@code subject}. */
  List<Result> evaluate(Diagnosis diagnosis, ObjectRef subject, ServiceAccount account);
}
