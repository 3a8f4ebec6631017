package dev.pulldoctor.rules.rbac;

import dev.pulldoctor.rules.model.LabelSelectors;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides from the RBAC objects of a snapshot what a service account may do in a namespace, the way
 * the API server's RBAC authorizer does: ClusterRoleBindings and the RoleBindings of that namespace
 * whose subjects name the account (as {@code ServiceAccount}, as {@code User
 * system:serviceaccount:<ns>:<name>}, or through one of its groups), then the rules of the Role or
 * ClusterRole they refer to. Verbs, API groups and resources match exactly or by {@code *}; a rule
 * with resourceNames never grants access to every object; {@code pods/log} does not grant {@code
 * pods}; aggregated ClusterRoles get the rules of the ClusterRoles their selectors match, since a
 * dump may hold them with empty rules.
 *
 * <p>Facts: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go and
 * pkg/registry/rbac/validation/rule.go; kubernetes.io "Using RBAC Authorization".
 */
public final class RbacEvaluator {
  private static final String ROLE = "Role";
  private static final String CLUSTER_ROLE = "ClusterRole";
  private static final String SERVICE_ACCOUNT = "ServiceAccount";
  private static final String ANY = "*";

  private final Snapshot snapshot;
  private final Map<String, List<SourcedRule>> clusterRoleRules = new LinkedHashMap<>();

  private RbacEvaluator(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  public static RbacEvaluator of(Snapshot snapshot) {
    return new RbacEvaluator(snapshot);
  }

  /** Decides each permission for {@code user} in {@code namespace}, with hints on near misses. */
  public Evaluation evaluate(
      ServiceAccountUser user, String namespace, List<Permission> permissions) {
    List<BoundRole> bound = boundRoles(namespace);
    List<BoundRole> applying = bound.stream().filter(b -> b.appliesTo(user)).toList();
    List<Decision> decisions = new ArrayList<>();
    for (Permission permission : permissions) {
      List<String> grantedBy = new ArrayList<>();
      for (BoundRole b : applying) {
        b.rules().stream()
            .filter(r -> allows(r.rule(), permission))
            .map(b::describe)
            .forEach(grantedBy::add);
      }
      decisions.add(new Decision(permission, grantedBy.stream().distinct().toList()));
    }
    List<Permission> denied =
        decisions.stream().filter(d -> !d.allowed()).map(Decision::permission).toList();
    List<String> hints =
        denied.isEmpty() ? List.of() : hints(user, namespace, bound, applying, denied);
    return new Evaluation(decisions, hints);
  }

  /**
   * The rules a ClusterRole grants: its own, plus for an aggregated role those of every ClusterRole
   * its {@code aggregationRule.clusterRoleSelectors} match (followed transitively, as the
   * aggregation controller eventually does).
   */
  public List<PolicyRule> rules(ClusterRole role) {
    return clusterRoleRules(role, new HashSet<>()).stream().map(SourcedRule::rule).toList();
  }

  /** Whether one policy rule allows a request on any object of the permission's resource. */
  static boolean allows(PolicyRule rule, Permission permission) {
    return matchesIgnoringNames(rule, permission) && nonNull(rule.getResourceNames()).isEmpty();
  }

  private static boolean matchesIgnoringNames(PolicyRule rule, Permission permission) {
    return matches(rule.getVerbs(), permission.verb())
        && matches(rule.getApiGroups(), permission.group())
        && resourceMatches(rule.getResources(), permission.resource());
  }

  /**
   * As the RBAC authorizer's ResourceMatches: "*", the exact resource ("pods/log" is another
   * resource than "pods"), or for a subresource "*&#47;exec" style wildcards.
   */
  private static boolean resourceMatches(@Nullable List<String> ruleResources, String wanted) {
    int slash = wanted.indexOf('/');
    String subresource = slash < 0 ? "" : wanted.substring(slash + 1);
    for (String resource : nonNull(ruleResources)) {
      if (resource.equals(ANY)
          || resource.equals(wanted)
          || (!subresource.isEmpty() && resource.equals("*/" + subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(@Nullable List<String> values, String wanted) {
    List<String> list = nonNull(values);
    return list.contains(ANY) || list.contains(wanted);
  }

  private List<BoundRole> boundRoles(String namespace) {
    List<BoundRole> bound = new ArrayList<>();
    for (ClusterRoleBinding binding : snapshot.clusterRoleBindings()) {
      bound.add(
          resolve(
              "ClusterRoleBinding " + binding.getMetadata().getName(),
              null,
              nonNull(binding.getSubjects()),
              binding.getRoleRef()));
    }
    for (RoleBinding binding : Snapshot.inNamespace(snapshot.roleBindings(), namespace)) {
      bound.add(
          resolve(
              "RoleBinding " + binding.getMetadata().getName(),
              namespace,
              nonNull(binding.getSubjects()),
              binding.getRoleRef()));
    }
    return bound;
  }

  private BoundRole resolve(
      String binding,
      @Nullable String namespace,
      List<Subject> subjects,
      @Nullable RoleRef roleRef) {
    String kind = roleRef == null ? "" : String.valueOf(roleRef.getKind());
    String name = roleRef == null ? "" : String.valueOf(roleRef.getName());
    String role = kind + " " + name;
    // The role's rules where it is found; otherwise it grants nothing, for the reason given.
    Optional<List<SourcedRule>> rules;
    String missing;
    if (ROLE.equals(kind) && namespace != null) {
      rules =
          Snapshot.inNamespace(snapshot.roles(), namespace).stream()
              .filter(r -> name.equals(r.getMetadata().getName()))
              .findFirst()
              .map(r -> nonNull(r.getRules()).stream().map(p -> new SourcedRule(p, role)).toList());
      missing = "refers to Role " + name + absent("Roles", namespace);
    } else if (CLUSTER_ROLE.equals(kind)) {
      rules = clusterRole(name).map(r -> clusterRoleRules(r, new HashSet<>()));
      missing = "refers to ClusterRole " + name + absent("ClusterRoles", null);
    } else {
      rules = Optional.empty();
      missing =
          "refers to a role of kind '" + kind + "', which RBAC does not know, so it grants nothing";
    }
    return new BoundRole(
        binding,
        namespace,
        subjects,
        role,
        rules.orElse(List.of()),
        rules.isPresent() ? null : missing);
  }

  /**
   * Why a missing role grants nothing. A live read saw every role; files hold what the user
   * exported, which may leave the role out.
   */
  private String absent(String kinds, @Nullable String namespace) {
    if (snapshot.source().type() == SourceType.CLUSTER) {
      return ", which does not exist"
          + (namespace == null ? "" : " in namespace " + namespace)
          + ", so it grants nothing";
    }
    return ", which is not among the "
        + kinds
        + (namespace == null ? "" : " of namespace " + namespace)
        + " in the input; if it does not exist in the cluster either, the binding grants nothing";
  }

  private Optional<ClusterRole> clusterRole(String name) {
    return snapshot.clusterRoles().stream()
        .filter(r -> name.equals(r.getMetadata().getName()))
        .findFirst();
  }

  private List<SourcedRule> clusterRoleRules(ClusterRole role, Set<String> visiting) {
    String name = role.getMetadata().getName();
    List<SourcedRule> cached = clusterRoleRules.get(name);
    if (cached != null) {
      return cached;
    }
    String source = CLUSTER_ROLE + " " + name;
    Set<SourcedRule> rules = new LinkedHashSet<>();
    nonNull(role.getRules()).forEach(r -> rules.add(new SourcedRule(r, source)));
    if (role.getAggregationRule() != null && visiting.add(name)) {
      for (LabelSelector selector : nonNull(role.getAggregationRule().getClusterRoleSelectors())) {
        for (ClusterRole member : snapshot.clusterRoles()) {
          String memberName = member.getMetadata().getName();
          if (!visiting.contains(memberName)
              && LabelSelectors.matches(selector, member.getMetadata().getLabels())) {
            for (SourcedRule r : clusterRoleRules(member, visiting)) {
              // The API server copies aggregated rules into the role; the copy adds nothing new.
              if (rules.stream().noneMatch(existing -> existing.rule().equals(r.rule()))) {
                rules.add(r);
              }
            }
          }
        }
      }
      visiting.remove(name);
    }
    List<SourcedRule> result = List.copyOf(rules);
    if (visiting.isEmpty()) {
      clusterRoleRules.put(name, result);
    }
    return result;
  }

  private static List<String> hints(
      ServiceAccountUser user,
      String namespace,
      List<BoundRole> bound,
      List<BoundRole> applying,
      List<Permission> denied) {
    Set<String> hints = new LinkedHashSet<>();
    for (BoundRole b : applying) {
      if (b.unresolved() != null) {
        hints.add(b.binding() + " " + b.unresolved() + ".");
      }
      for (SourcedRule sourced : b.rules()) {
        PolicyRule rule = sourced.rule();
        for (Permission permission : denied) {
          List<String> names = nonNull(rule.getResourceNames());
          if (matchesIgnoringNames(rule, permission) && !names.isEmpty()) {
            hints.add(
                b.describe(sourced)
                    + " allows "
                    + permission.qualifiedResource()
                    + " only for resourceNames "
                    + String.join(", ", names)
                    + ": a rule with resourceNames never allows list, watch or create (those"
                    + " requests name no object) and allows get or delete only on the objects it"
                    + " names.");
          }
          List<String> subresources = subresourcesOf(rule, permission);
          if (!subresources.isEmpty()) {
            hints.add(
                b.describe(sourced)
                    + " grants "
                    + String.join(", ", subresources)
                    + ": subresources, which do not include "
                    + permission.resource()
                    + " itself.");
          }
        }
      }
    }
    Map<BoundRole, List<String>> elsewhere = new LinkedHashMap<>();
    for (BoundRole b : bound) {
      if (applying.contains(b) || !b.namesAccount(user, namespace)) {
        continue;
      }
      for (Permission permission : denied) {
        if (b.rules().stream().anyMatch(r -> allows(r.rule(), permission))) {
          elsewhere.computeIfAbsent(b, k -> new ArrayList<>()).add(permission.display());
        }
      }
    }
    elsewhere.forEach(
        (b, permissions) ->
            hints.add(
                b.binding()
                    + " grants "
                    + (permissions.size() == denied.size()
                        ? "all of these"
                        : String.join(", ", permissions))
                    + " ("
                    + b.role()
                    + ") to "
                    + b.subjectsDisplay()
                    + ", not to ServiceAccount "
                    + user.display()
                    + "."));
    return List.copyOf(hints);
  }

  /** Resources of a rule that are subresources of the permission's resource, e.g. pods/log. */
  private static List<String> subresourcesOf(PolicyRule rule, Permission permission) {
    if (!matches(rule.getVerbs(), permission.verb())
        || !matches(rule.getApiGroups(), permission.group())
        || matches(rule.getResources(), permission.resource())) {
      return List.of();
    }
    return nonNull(rule.getResources()).stream()
        .filter(r -> r.startsWith(permission.resource() + "/"))
        .toList();
  }

  private static <T> List<T> nonNull(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }

  /** A policy rule and the role it is written in (differs from the bound role when aggregated). */
  private record SourcedRule(PolicyRule rule, String source) {}

  /**
   * A binding resolved to the rules of the role it refers to.
   *
   * @param namespace the RoleBinding's namespace; null for a ClusterRoleBinding
   * @param unresolved why the role reference grants nothing, or null when it resolved
   */
  private record BoundRole(
      String binding,
      @Nullable String namespace,
      List<Subject> subjects,
      String role,
      List<SourcedRule> rules,
      @Nullable String unresolved) {

    boolean appliesTo(ServiceAccountUser user) {
      return subjects.stream().anyMatch(s -> appliesTo(s, user));
    }

    private boolean appliesTo(Subject subject, ServiceAccountUser user) {
      String name = String.valueOf(subject.getName());
      return switch (String.valueOf(subject.getKind())) {
        case "User" -> user.username().equals(name);
        case "Group" -> user.groups().contains(name);
        case SERVICE_ACCOUNT -> {
          String ns = accountNamespace(subject);
          yield user.namespace().equals(ns) && user.name().equals(name);
        }
        default -> false;
      };
    }

    /**
     * Whether a ServiceAccount subject has the account's name: a near miss worth showing when the
     * namespace differs or a ClusterRoleBinding leaves it out. Every RoleBinding of the namespace
     * counts too; it is the usual place for the launcher's grants.
     */
    boolean namesAccount(ServiceAccountUser user, String jobNamespace) {
      return jobNamespace.equals(namespace)
          || subjects.stream()
              .anyMatch(
                  s ->
                      SERVICE_ACCOUNT.equals(s.getKind())
                          && user.name().equals(String.valueOf(s.getName())));
    }

    /** A RoleBinding's ServiceAccount subject without a namespace means the binding's own. */
    private @Nullable String accountNamespace(Subject subject) {
      String ns = subject.getNamespace();
      return ns == null || ns.isEmpty() ? namespace : ns;
    }

    String subjectsDisplay() {
      if (subjects.isEmpty()) {
        return "no subject";
      }
      List<String> shown = new ArrayList<>();
      for (Subject s : subjects) {
        if (SERVICE_ACCOUNT.equals(s.getKind())) {
          String ns = accountNamespace(s);
          shown.add(
              ns == null
                  ? "ServiceAccount " + s.getName() + " (no namespace: matches no account)"
                  : "ServiceAccount " + ns + "/" + s.getName());
        } else {
          shown.add(s.getKind() + " " + s.getName());
        }
      }
      return String.join(", ", shown);
    }

    String describe(SourcedRule rule) {
      String via = rule.source().equals(role) ? "" : ", aggregating " + rule.source();
      return binding + " (" + role + via + ")";
    }
  }
}
