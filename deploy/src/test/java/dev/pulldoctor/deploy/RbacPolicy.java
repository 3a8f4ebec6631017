package dev.pulldoctor.deploy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the RBAC objects of a rendered chart allow one ServiceAccount, evaluated as Kubernetes' RBAC
 * authorizer does: a RoleBinding grants its role's rules in its namespace, a ClusterRoleBinding
 * grants its ClusterRole's rules everywhere; a rule matches on API group, resource, verb and, when
 * it has {@code resourceNames}, the request's name. Non-resource URLs are allowed only for the
 * discovery paths every authenticated identity may read ({@code system:discovery}).
 */
final class RbacPolicy {
  private static final Set<String> DISCOVERY = Set.of("/version", "/api", "/apis", "/openapi");

  /** A rule and where it applies (null: everywhere, cluster-scoped requests included). */
  record Grant(PolicyRule rule, @Nullable String namespace) {}

  private final List<Grant> grants;

  private RbacPolicy(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** The grants of {@code rendered} to ServiceAccount {@code namespace/name}. */
  static RbacPolicy of(Chart.Rendered rendered, String namespace, String name) {
    List<Grant> grants = new ArrayList<>();
    for (RoleBinding binding : rendered.all(RoleBinding.class)) {
      if (binds(binding.getSubjects(), namespace, name)) {
        String where = binding.getMetadata().getNamespace();
        rules(rendered, binding.getRoleRef(), where).forEach(r -> grants.add(new Grant(r, where)));
      }
    }
    for (ClusterRoleBinding binding : rendered.all(ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), namespace, name)) {
        rules(rendered, binding.getRoleRef(), null).forEach(r -> grants.add(new Grant(r, null)));
      }
    }
    return new RbacPolicy(grants);
  }

  List<Grant> grants() {
    return grants;
  }

  boolean allows(ApiRequest request) {
    return matching(request).isPresent();
  }

  /** The first grant that allows {@code request}. */
  Optional<Grant> matching(ApiRequest request) {
    if (request.nonResourcePath() != null) {
      String path = request.nonResourcePath();
      return DISCOVERY.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))
              && request.verb().equals("get")
          ? Optional.of(new Grant(new PolicyRule(), null))
          : Optional.empty();
    }
    return grants.stream()
        .filter(g -> g.namespace() == null || g.namespace().equals(request.namespace()))
        .filter(g -> matches(g.rule(), request))
        .findFirst();
  }

  static boolean matches(PolicyRule rule, ApiRequest request) {
    return has(rule.getApiGroups(), request.group())
        && has(rule.getResources(), request.ruleResource())
        && has(rule.getVerbs(), request.verb())
        && (rule.getResourceNames().isEmpty()
            || (request.name() != null && rule.getResourceNames().contains(request.name())));
  }

  private static boolean has(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }

  private static boolean binds(List<Subject> subjects, String namespace, String name) {
    return subjects.stream()
        .anyMatch(
            s ->
                "ServiceAccount".equals(s.getKind())
                    && name.equals(s.getName())
                    && namespace.equals(s.getNamespace()));
  }

  private static List<PolicyRule> rules(
      Chart.Rendered rendered, RoleRef ref, @Nullable String namespace) {
    if (ref.getKind().equals("ClusterRole")) {
      return rendered.all(ClusterRole.class).stream()
          .filter(r -> r.getMetadata().getName().equals(ref.getName()))
          .flatMap(r -> r.getRules().stream())
          .toList();
    }
    return rendered.all(Role.class).stream()
        .filter(r -> r.getMetadata().getName().equals(ref.getName()))
        .filter(r -> Objects.equals(r.getMetadata().getNamespace(), namespace))
        .flatMap(r -> r.getRules().stream())
        .toList();
  }
}
