package dev.pulldoctor.rules.rbac;

import java.util.List;
import java.util.Objects;

/**
 * Whether the bindings read allow one permission, and which binding and role grant it.
 *
 * @param permission the permission asked about
 * @param grantedBy e.g. {@code RoleBinding airbyte-admin-binding (Role airbyte-admin-role)}; empty
 *     when nothing grants it
 */
public record Decision(Permission permission, List<String> grantedBy) {

  public Decision {
    Objects.requireNonNull(permission, "permission");
    grantedBy = List.copyOf(grantedBy);
  }

  public boolean allowed() {
    return !grantedBy.isEmpty();
  }
}
