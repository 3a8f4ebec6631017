package dev.pulldoctor.rules.rbac;

import dev.pulldoctor.rules.airbyte.Workload;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What Airbyte's job launcher must be allowed to do in the job namespace, and the identity it does
 * it as. Shared by the rule (static evaluation) and the live collector (SubjectAccessReviews), so
 * both ask the same questions.
 */
public final class JobLauncherAccess {
  /**
   * get, list, create and delete on pods and secrets (core group), and get, list, create, delete
   * and watch on jobs (batch), in that order.
   */
  public static final List<Permission> REQUIRED = required();

  private JobLauncherAccess() {}

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

  private static boolean nonEmpty(String value) {
    return value != null && !value.isEmpty();
  }

  private static List<Permission> required() {
    List<Permission> permissions = new ArrayList<>();
    for (String resource : List.of("pods", "secrets")) {
      for (String verb : List.of("get", "list", "create", "delete")) {
        permissions.add(new Permission(verb, "", resource));
      }
    }
    for (String verb : List.of("get", "list", "create", "delete", "watch")) {
      permissions.add(new Permission(verb, "batch", "jobs"));
    }
    return List.copyOf(permissions);
  }
}
