package dev.pulldoctor.rules.rbac;

import java.util.List;

/**
 * The static answer for a set of permissions, with hints on near misses: bindings to other
 * subjects, rules limited by resourceNames, subresource-only rules, and role references that do not
 * resolve.
 */
public record Evaluation(List<Decision> decisions, List<String> hints) {

  public Evaluation {
    decisions = List.copyOf(decisions);
    hints = List.copyOf(hints);
  }

  /** The permissions nothing grants, in the order asked. */
  public List<Permission> missing() {
    return decisions.stream().filter(d -> !d.allowed()).map(Decision::permission).toList();
  }

  /** Every binding that grants one of the permissions, without repeats. */
  public List<String> grantedBy() {
    return decisions.stream().flatMap(d -> d.grantedBy().stream()).distinct().toList();
  }

  public boolean allowed(Permission permission) {
    return decisions.stream().anyMatch(d -> d.permission().equals(permission) && d.allowed());
  }
}
