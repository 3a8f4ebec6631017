package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import java.util.List;

/**
 * A Role and RoleBinding granting exactly the missing permissions, named so nothing is overwritten.
 */
final class RbacFix {
  private RbacFix() {}

  static Fix grant(
      Snapshot snapshot,
      ServiceAccountUser account,
      String namespace,
      List<Permission> missing,
      String baseName) {
    return Fix.of(
        "Grant only the missing permissions with a Role and RoleBinding of their own (helm"
            + " upgrade leaves them alone; the chart's own Role is a pre-install hook it never"
            + " re-creates), then check what it may do:",
        new Step.GrantPermissions(
            namespace, freeName(snapshot, namespace, baseName), account, missing));
  }

  /** The base name, or base-2, base-3… when a Role or RoleBinding of that name already exists. */
  private static String freeName(Snapshot snapshot, String namespace, String base) {
    String name = base;
    for (int i = 2; taken(snapshot, namespace, name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  private static boolean taken(Snapshot snapshot, String namespace, String name) {
    return Snapshot.inNamespace(snapshot.roles(), namespace).stream()
            .anyMatch(r -> name.equals(r.getMetadata().getName()))
        || Snapshot.inNamespace(snapshot.roleBindings(), namespace).stream()
            .anyMatch(b -> name.equals(b.getMetadata().getName()));
  }
}
