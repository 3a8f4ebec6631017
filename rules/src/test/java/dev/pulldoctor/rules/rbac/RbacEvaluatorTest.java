package dev.pulldoctor.rules.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.LabelSelectors;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RbacEvaluatorTest {
  private static final ServiceAccountUser LAUNCHER =
      new ServiceAccountUser("airbyte", "airbyte-admin");
  private static final Permission GET_PODS = new Permission("get", "", "pods");
  private static final Permission LIST_PODS = new Permission("list", "", "pods");
  private static final Permission CREATE_PODS = new Permission("create", "", "pods");
  private static final Permission DELETE_PODS = new Permission("delete", "", "pods");
  private static final Permission WATCH_JOBS = new Permission("watch", "batch", "jobs");
  private static final List<Permission> ALL =
      List.of(
          GET_PODS,
          LIST_PODS,
          CREATE_PODS,
          DELETE_PODS,
          new Permission("get", "", "secrets"),
          new Permission("list", "", "secrets"),
          new Permission("create", "", "secrets"),
          new Permission("delete", "", "secrets"),
          new Permission("get", "batch", "jobs"),
          new Permission("list", "batch", "jobs"),
          new Permission("create", "batch", "jobs"),
          new Permission("delete", "batch", "jobs"),
          WATCH_JOBS);
  private static final Pattern COMMA = Pattern.compile(",");

  @Test
  void chart_role_with_wildcard_group_grants_core_and_batch() {
    Evaluation result =
        evaluate(
            role(
                "airbyte-admin-role",
                rule(
                    List.of("*"),
                    List.of("jobs", "pods", "pods/log", "pods/exec", "pods/attach", "secrets"),
                    List.of("get", "list", "watch", "create", "update", "patch", "delete"))),
            roleBinding(
                "airbyte-admin-binding", "Role", "airbyte-admin-role", sa("airbyte-admin")));

    assertThat(result.missing()).isEmpty();
    assertThat(result.grantedBy())
        .containsExactly("RoleBinding airbyte-admin-binding (Role airbyte-admin-role)");
    assertThat(result.hints()).isEmpty();
  }

  @Test
  void wildcard_verbs_and_resources_grant_everything_in_the_group() {
    Evaluation result =
        evaluate(
            role("everything", rule(List.of("", "batch"), List.of("*"), List.of("*"))),
            roleBinding("b", "Role", "everything", sa("airbyte-admin")));

    assertThat(result.missing()).isEmpty();
  }

  @Test
  void lists_exactly_the_permissions_no_rule_grants() {
    Evaluation result =
        evaluate(
            role(
                "seed-style",
                rule(List.of(""), List.of("pods"), List.of("get", "list", "create")),
                rule(List.of(""), List.of("secrets"), List.of("get", "list", "create", "delete")),
                rule(
                    List.of("batch"), List.of("jobs"), List.of("get", "list", "create", "delete"))),
            roleBinding("b", "Role", "seed-style", sa("airbyte-admin")));

    assertThat(result.missing()).containsExactly(DELETE_PODS, WATCH_JOBS);
    assertThat(result.missing())
        .extracting(Permission::display)
        .containsExactly("delete pods", "watch jobs.batch");
  }

  @Test
  void core_group_rule_does_not_grant_batch_jobs() {
    Evaluation result =
        evaluate(
            role("core-only", rule(List.of(""), List.of("jobs"), List.of("watch"))),
            roleBinding("b", "Role", "core-only", sa("airbyte-admin")));

    assertThat(result.allowed(WATCH_JOBS)).isFalse();
  }

  @Test
  void service_account_subject_without_namespace_means_the_role_bindings_own() {
    Evaluation own =
        evaluate(chartRole(), roleBinding("b", "Role", "airbyte-admin-role", sa("airbyte-admin")));
    Evaluation other =
        evaluate(
            chartRole(),
            roleBinding("b", "Role", "airbyte-admin-role", saIn("airbyte-admin", "default")));

    assertThat(own.missing()).isEmpty();
    assertThat(other.missing()).hasSize(ALL.size());
    assertThat(other.hints())
        .containsExactly(
            "RoleBinding b grants all of these (Role airbyte-admin-role) to ServiceAccount"
                + " default/airbyte-admin, not to ServiceAccount airbyte/airbyte-admin.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "system:serviceaccounts",
        "system:serviceaccounts:airbyte",
        "system:authenticated"
      })
  void groups_of_every_service_account_token_match(String group) {
    Evaluation result =
        evaluate(chartRole(), roleBinding("b", "Role", "airbyte-admin-role", group(group)));

    assertThat(result.missing()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"system:serviceaccounts:default", "system:unauthenticated", "airbyte"})
  void other_groups_do_not_match(String group) {
    Evaluation result =
        evaluate(chartRole(), roleBinding("b", "Role", "airbyte-admin-role", group(group)));

    assertThat(result.missing()).hasSize(ALL.size());
  }

  @Test
  void user_subject_with_the_service_account_user_name_matches() {
    Subject user =
        new SubjectBuilder()
            .withKind("User")
            .withName("system:serviceaccount:airbyte:airbyte-admin")
            .build();

    Evaluation result = evaluate(chartRole(), roleBinding("b", "Role", "airbyte-admin-role", user));

    assertThat(result.missing()).isEmpty();
  }

  @Test
  void rule_with_resource_names_grants_nothing_on_arbitrary_pods_and_says_why() {
    PolicyRule named =
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("pods")
            .withResourceNames("sweeper")
            .withVerbs("get", "list", "create", "delete")
            .build();

    Evaluation result =
        evaluate(role("named", named), roleBinding("b", "Role", "named", sa("airbyte-admin")));

    assertThat(result.allowed(GET_PODS)).isFalse();
    assertThat(result.allowed(LIST_PODS)).isFalse();
    assertThat(result.allowed(CREATE_PODS)).isFalse();
    assertThat(result.allowed(DELETE_PODS)).isFalse();
    assertThat(result.hints())
        .contains(
            "RoleBinding b (Role named) allows pods only for resourceNames sweeper: a rule with"
                + " resourceNames never allows list, watch or create (those requests name no"
                + " object) and allows get or delete only on the objects it names.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pods/log", "pods/exec", "*/log"})
  void subresource_rules_do_not_grant_the_resource(String resource) {
    Evaluation result =
        evaluate(
            role("logs", rule(List.of(""), List.of(resource), List.of("get", "list"))),
            roleBinding("b", "Role", "logs", sa("airbyte-admin")));

    assertThat(result.allowed(GET_PODS)).isFalse();
  }

  @Test
  void subresource_hint_names_the_subresources() {
    Evaluation result =
        evaluate(
            role("logs", rule(List.of(""), List.of("pods/log", "pods/exec"), List.of("get"))),
            roleBinding("b", "Role", "logs", sa("airbyte-admin")));

    assertThat(result.hints())
        .contains(
            "RoleBinding b (Role logs) grants pods/log, pods/exec: subresources, which do not"
                + " include pods itself.");
  }

  @Test
  void role_binding_to_a_cluster_role_grants_in_its_namespace_only() {
    ClusterRole edit = clusterRole("edit", Map.of(), allRequired());
    Evaluation inJobNamespace =
        evaluate(edit, roleBinding("b", "ClusterRole", "edit", sa("airbyte-admin")));
    Evaluation elsewhere =
        evaluate(
            edit,
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("b")
                .withNamespace("default")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "edit")
                .withSubjects(saIn("airbyte-admin", "airbyte"))
                .build());

    assertThat(inJobNamespace.missing()).isEmpty();
    assertThat(inJobNamespace.grantedBy()).containsExactly("RoleBinding b (ClusterRole edit)");
    assertThat(elsewhere.missing()).hasSize(ALL.size());
  }

  @Test
  void cluster_role_binding_grants_in_every_namespace() {
    Evaluation result =
        evaluate(
            clusterRole("launcher", Map.of(), allRequired()),
            clusterRoleBinding("crb", "launcher", saIn("airbyte-admin", "airbyte")));

    assertThat(result.missing()).isEmpty();
    assertThat(result.grantedBy()).containsExactly("ClusterRoleBinding crb (ClusterRole launcher)");
  }

  @Test
  void role_reference_that_does_not_resolve_grants_nothing_and_is_named() {
    Evaluation missingRole =
        evaluate(roleBinding("b", "Role", "airbyte-admin-role", sa("airbyte-admin")));
    Evaluation missingClusterRole =
        evaluate(roleBinding("b", "ClusterRole", "edit", sa("airbyte-admin")));

    assertThat(missingRole.missing()).hasSize(ALL.size());
    assertThat(missingRole.hints())
        .containsExactly(
            "RoleBinding b refers to Role airbyte-admin-role, which does not exist in namespace"
                + " airbyte, so it grants nothing.");
    assertThat(missingClusterRole.hints())
        .containsExactly(
            "RoleBinding b refers to ClusterRole edit, which does not exist, so it grants"
                + " nothing.");
  }

  @Test
  void role_in_another_namespace_does_not_resolve() {
    HasMetadata roleElsewhere =
        new RoleBuilder()
            .withNewMetadata()
            .withName("airbyte-admin-role")
            .withNamespace("default")
            .endMetadata()
            .withRules(allRequired())
            .build();

    Evaluation result =
        evaluate(
            roleElsewhere, roleBinding("b", "Role", "airbyte-admin-role", sa("airbyte-admin")));

    assertThat(result.missing()).hasSize(ALL.size());
  }

  @Test
  void cluster_role_binding_cannot_refer_to_a_role() {
    Evaluation result =
        evaluate(
            chartRole(),
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("crb")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "airbyte-admin-role")
                .withSubjects(saIn("airbyte-admin", "airbyte"))
                .build());

    assertThat(result.missing()).hasSize(ALL.size());
  }

  @Test
  void aggregated_cluster_role_with_empty_rules_gets_the_rules_of_matching_roles() {
    ClusterRole aggregate =
        aggregated(
            "job-runner",
            Map.of(),
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("aggregate-to-runner", "true"))
                .build());
    ClusterRole pods =
        clusterRole(
            "runner-pods",
            Map.of("aggregate-to-runner", "true"),
            rule(
                List.of(""),
                List.of("pods", "secrets"),
                List.of("get", "list", "create", "delete")));
    ClusterRole jobs =
        clusterRole(
            "runner-jobs",
            Map.of("aggregate-to-runner", "true"),
            rule(
                List.of("batch"),
                List.of("jobs"),
                List.of("get", "list", "create", "delete", "watch")));
    ClusterRole unrelated =
        clusterRole(
            "unrelated",
            Map.of("aggregate-to-runner", "false"),
            rule(List.of("*"), List.of("*"), List.of("*")));

    Snapshot snapshot =
        snapshot(
            aggregate,
            pods,
            jobs,
            unrelated,
            clusterRoleBinding("crb", "job-runner", saIn("airbyte-admin", "airbyte")));
    RbacEvaluator evaluator = RbacEvaluator.of(snapshot);
    Evaluation result = evaluator.evaluate(LAUNCHER, "airbyte", ALL);

    assertThat(result.missing()).isEmpty();
    assertThat(result.grantedBy())
        .contains(
            "ClusterRoleBinding crb (ClusterRole job-runner, aggregating ClusterRole runner-pods)");
    assertThat(evaluator.rules(aggregate)).hasSize(2);
  }

  @Test
  void aggregation_follows_aggregated_members_and_survives_cycles() {
    ClusterRole top =
        aggregated(
            "top",
            Map.of("level", "top"),
            new LabelSelectorBuilder().withMatchLabels(Map.of("level", "middle")).build());
    ClusterRole middle =
        aggregated(
            "middle",
            Map.of("level", "middle"),
            new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("level")
                .withOperator("In")
                .withValues("leaf", "top")
                .endMatchExpression()
                .build());
    ClusterRole leaf = clusterRole("leaf", Map.of("level", "leaf"), allRequired());

    Snapshot snapshot =
        snapshot(
            top, middle, leaf, clusterRoleBinding("crb", "top", group("system:authenticated")));

    assertThat(RbacEvaluator.of(snapshot).evaluate(LAUNCHER, "airbyte", ALL).missing()).isEmpty();
  }

  @Test
  void dumped_aggregated_role_keeps_the_rules_the_api_server_filled_in() {
    ClusterRole filled =
        new ClusterRoleBuilder()
            .withNewMetadata()
            .withName("filled")
            .endMetadata()
            .withNewAggregationRule()
            .withClusterRoleSelectors(
                new LabelSelectorBuilder().withMatchLabels(Map.of("absent", "true")).build())
            .endAggregationRule()
            .withRules(allRequired())
            .build();

    Evaluation result =
        evaluate(filled, clusterRoleBinding("crb", "filled", group("system:serviceaccounts")));

    assertThat(result.missing()).isEmpty();
  }

  @Test
  void near_misses_name_role_bindings_of_the_namespace_but_not_unrelated_cluster_bindings() {
    Evaluation result =
        evaluate(
            chartRole(),
            roleBinding("b", "Role", "airbyte-admin-role", sa("other")),
            clusterRole("admin-ish", Map.of(), rule(List.of("*"), List.of("*"), List.of("*"))),
            clusterRoleBinding("masters", "admin-ish", group("system:masters")));

    assertThat(result.missing()).hasSize(ALL.size());
    // The cluster-admin style binding to system:masters is no near miss for this account.
    assertThat(result.hints())
        .containsExactly(
            "RoleBinding b grants all of these (Role airbyte-admin-role) to ServiceAccount"
                + " airbyte/other, not to ServiceAccount airbyte/airbyte-admin.");
  }

  @ParameterizedTest
  @CsvSource({
    "In, team=data, team, 'data,ops', true",
    "In, team=web, team, 'data,ops', false",
    "In, '', team, 'data', false",
    "NotIn, team=web, team, 'data', true",
    "NotIn, '', team, 'data', true",
    "NotIn, team=data, team, 'data', false",
    "Exists, team=x, team, '', true",
    "Exists, '', team, '', false",
    "DoesNotExist, '', team, '', true",
    "DoesNotExist, team=x, team, '', false",
    "Sometimes, team=x, team, 'x', false",
  })
  void label_selector_expressions(
      String operator, String labels, String key, String values, boolean expected) {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey(key)
            .withOperator(operator)
            .withValues(values.isEmpty() ? List.of() : Arrays.asList(COMMA.split(values, -1)))
            .endMatchExpression()
            .build();
    Map<String, String> actual =
        labels.isEmpty()
            ? Map.of()
            : Map.of(
                labels.substring(0, labels.indexOf('=')),
                labels.substring(labels.indexOf('=') + 1));

    assertThat(LabelSelectors.matches(selector, actual)).isEqualTo(expected);
  }

  @Test
  void empty_selector_matches_every_role_and_match_labels_must_all_hold() {
    assertThat(LabelSelectors.matches(new LabelSelector(), null)).isTrue();
    LabelSelector two =
        new LabelSelectorBuilder().withMatchLabels(Map.of("a", "1", "b", "2")).build();
    assertThat(LabelSelectors.matches(two, Map.of("a", "1", "b", "2", "c", "3"))).isTrue();
    assertThat(LabelSelectors.matches(two, Map.of("a", "1"))).isFalse();
  }

  @Test
  void service_account_user_names_and_groups() {
    assertThat(LAUNCHER.username()).isEqualTo("system:serviceaccount:airbyte:airbyte-admin");
    assertThat(LAUNCHER.groups())
        .containsExactly(
            "system:serviceaccounts", "system:serviceaccounts:airbyte", "system:authenticated");
    assertThat(new Permission("list", "", "secrets").qualifiedResource()).isEqualTo("secrets");
  }

  @Test
  void a_subresource_wildcard_grants_that_subresource_of_any_resource_only() {
    List<Permission> exec =
        List.of(new Permission("create", "", "pods/exec"), new Permission("create", "", "pods"));
    Snapshot snapshot =
        snapshot(
            role("exec-anything", rule(List.of(""), List.of("*/exec"), List.of("create"))),
            roleBinding("exec-anything", "Role", "exec-anything", sa("airbyte-admin")));

    Evaluation result = RbacEvaluator.of(snapshot).evaluate(LAUNCHER, "airbyte", exec);

    assertThat(result.missing()).extracting(Permission::display).containsExactly("create pods");
  }

  private static Evaluation evaluate(HasMetadata... objects) {
    return RbacEvaluator.of(snapshot(objects)).evaluate(LAUNCHER, "airbyte", ALL);
  }

  private static Snapshot snapshot(HasMetadata... objects) {
    return Snapshot.builder(
            Instant.parse("2026-11-23T12:00:00Z"), new Source(SourceType.CLUSTER, null, "airbyte"))
        .addAll(List.of(objects))
        .build();
  }

  private static HasMetadata chartRole() {
    return role(
        "airbyte-admin-role",
        rule(
            List.of("*"),
            List.of("jobs", "pods", "pods/log", "pods/exec", "pods/attach", "secrets"),
            List.of("get", "list", "watch", "create", "update", "patch", "delete")));
  }

  private static PolicyRule[] allRequired() {
    return new PolicyRule[] {
      rule(List.of(""), List.of("pods", "secrets"), List.of("get", "list", "create", "delete")),
      rule(List.of("batch"), List.of("jobs"), List.of("get", "list", "create", "delete", "watch"))
    };
  }

  private static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(groups)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }

  private static HasMetadata role(String name, PolicyRule... rules) {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("airbyte")
        .endMetadata()
        .withRules(rules)
        .build();
  }

  private static ClusterRole clusterRole(
      String name, Map<String, String> labels, PolicyRule... rules) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withRules(rules)
        .build();
  }

  private static ClusterRole aggregated(
      String name, Map<String, String> labels, LabelSelector selector) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewAggregationRule()
        .withClusterRoleSelectors(selector)
        .endAggregationRule()
        .build();
  }

  private static HasMetadata roleBinding(
      String name, String roleKind, String roleName, Subject... subjects) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("airbyte")
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", roleKind, roleName)
        .withSubjects(subjects)
        .build();
  }

  private static HasMetadata clusterRoleBinding(String name, String role, Subject... subjects) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .withSubjects(subjects)
        .build();
  }

  private static Subject sa(String name) {
    return new SubjectBuilder().withKind("ServiceAccount").withName(name).build();
  }

  private static Subject saIn(String name, String namespace) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(namespace)
        .build();
  }

  private static Subject group(String name) {
    return new SubjectBuilder()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Group")
        .withName(name)
        .build();
  }
}
