package dev.pulldoctor.rules.rbac;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.Workload;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Airbyte's job launching must be allowed to do in the job namespace, and the identities it
 * does it as. Shared by the rule (static evaluation) and the live collector (SubjectAccessReviews),
 * so both ask the same questions.
 */
public final class JobLauncherAccess {

  /**
   * The grants one identity needs.
   *
   * @param account who calls the API
   * @param role {@link LauncherPermissions.Account#LAUNCHER} or the job pods' account
   * @param grants what it needs, from {@link LauncherPermissions}
   */
  public record Requirement(
      ServiceAccountUser account,
      LauncherPermissions.Account role,
      List<LauncherPermissions.Grant> grants) {
    public Requirement {
      grants = List.copyOf(grants);
    }

    public List<Permission> permissions() {
      return grants.stream().map(LauncherPermissions.Grant::permission).toList();
    }
  }

  private JobLauncherAccess() {}

  /**
   * What the install's launcher, and (for versions whose sync pods launch pods themselves) the job
   * pods' service account, must be allowed in the job namespace. Empty without a launcher. When
   * both are the same account, its grants are merged.
   */
  public static List<Requirement> requirements(AirbyteInstall install) {
    Optional<Workload> launcher = install.jobLauncher();
    if (launcher.isEmpty()) {
      return List.of();
    }
    @Nullable AirbyteVersion version = install.version().orElse(null);
    ServiceAccountUser launcherAccount = launcherAccount(launcher.get());
    List<Requirement> requirements = new ArrayList<>();
    requirements.add(
        new Requirement(
            launcherAccount,
            LauncherPermissions.Account.LAUNCHER,
            LauncherPermissions.grants(
                launcher.get().component(), version, LauncherPermissions.Account.LAUNCHER)));
    List<LauncherPermissions.Grant> jobGrants =
        LauncherPermissions.grants(
            launcher.get().component(), version, LauncherPermissions.Account.JOB_PODS);
    if (!jobGrants.isEmpty()) {
      ServiceAccountUser jobAccount =
          new ServiceAccountUser(install.jobNamespace(), install.jobServiceAccount());
      if (jobAccount.equals(launcherAccount)) {
        List<LauncherPermissions.Grant> merged = new ArrayList<>(requirements.get(0).grants());
        jobGrants.stream()
            .filter(g -> merged.stream().noneMatch(m -> m.permission().equals(g.permission())))
            .forEach(merged::add);
        requirements.set(
            0, new Requirement(launcherAccount, LauncherPermissions.Account.LAUNCHER, merged));
      } else {
        requirements.add(
            new Requirement(jobAccount, LauncherPermissions.Account.JOB_PODS, jobGrants));
      }
    }
    return List.copyOf(requirements);
  }

  /**
   * The service account the launcher's pods run as: its pod template's {@code serviceAccountName}
   * (or the deprecated {@code serviceAccount}), {@code default} when neither is set, in the
   * launcher's namespace.
   */
  public static ServiceAccountUser launcherAccount(Workload launcher) {
    PodSpec spec =
        launcher.deployment().getSpec() == null
                || launcher.deployment().getSpec().getTemplate() == null
            ? null
            : launcher.deployment().getSpec().getTemplate().getSpec();
    String name = null;
    if (spec != null) {
      name = nonEmpty(spec.getServiceAccountName()) ? spec.getServiceAccountName() : null;
      if (name == null && nonEmpty(spec.getServiceAccount())) {
        name = spec.getServiceAccount();
      }
    }
    return new ServiceAccountUser(launcher.namespace(), name == null ? "default" : name);
  }

  private static boolean nonEmpty(@Nullable String value) {
    return value != null && !value.isEmpty();
  }
}
