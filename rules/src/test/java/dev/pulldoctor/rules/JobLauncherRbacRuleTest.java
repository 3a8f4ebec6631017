package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.Component;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import dev.pulldoctor.rules.rbac.LauncherPermissions;
import dev.pulldoctor.rules.rbac.Permission;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code rbac.job-launcher} says when live SubjectAccessReview answers are in the snapshot,
 * when they could not be made, and when both they and the RBAC objects are out of reach.
 */
class JobLauncherRbacRuleTest {
  private static final Path DIR = RuleFixtureTest.FIXTURES.resolve("rbac.job-launcher");
  private static final String LAUNCHER_USER = "system:serviceaccount:airbyte:airbyte-admin";
  private static final CollectionError SAR_FORBIDDEN =
      new CollectionError(
          "subjectaccessreviews", "authorization.k8s.io", null, "create", 403, "Forbidden");

  @Test
  void access_reviews_are_the_truth_and_list_exactly_the_denied_permissions() throws Exception {
    Diagnosis diagnosis =
        with(
            "pass.chart-role.yaml",
            reviews(LAUNCHER_USER, Set.of("delete pods", "patch pods")),
            List.of());

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message())
        .contains(
            "lacks 2 of the 5 permissions Airbyte uses in namespace airbyte: patch pods (job pods"
                + " are created by server-side apply, an HTTP PATCH); delete pods (deletes pods of"
                + " a superseded attempt and finished pods) (confirmed by SubjectAccessReview)")
        .contains(
            "The Roles and bindings read would allow patch pods, delete pods; the API server's"
                + " answer wins");
    assertThat(result.evidence())
        .containsEntry("basis", "SubjectAccessReview")
        .containsEntry("missing", List.of("patch pods", "delete pods"));
    assertThat(result.remediation())
        .contains("resources: [\"pods\"]\n    verbs: [\"patch\", \"delete\"]")
        .doesNotContain("\"get\"")
        .doesNotContain("jobs")
        .doesNotContain("secrets");
  }

  @Test
  void access_reviews_allowing_everything_pass_whatever_the_objects_say() throws Exception {
    Diagnosis diagnosis =
        with(
            "fail.seed-role-without-patch-watch-delete.yaml",
            reviews(LAUNCHER_USER, Set.of()),
            List.of());

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.PASS);
    assertThat(result.message()).endsWith("calls there (confirmed by SubjectAccessReview)");
  }

  @Test
  void reviews_of_another_account_are_ignored() throws Exception {
    Diagnosis diagnosis =
        with(
            "fail.seed-role-without-patch-watch-delete.yaml",
            reviews("system:serviceaccount:airbyte:someone-else", Set.of()),
            List.of());

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message()).contains("(evaluated from the Roles and bindings read)");
  }

  @Test
  void forbidden_access_review_falls_back_to_the_objects_and_says_so() throws Exception {
    Diagnosis diagnosis =
        with("fail.seed-role-without-patch-watch-delete.yaml", List.of(), List.of(SAR_FORBIDDEN));

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message())
        .contains(
            "finished pods) (evaluated from the Roles and bindings read, because"
                + " SubjectAccessReview was not possible: cannot create subjectaccessreviews"
                + " cluster-wide: 403 Forbidden; grant 'create' on 'subjectaccessreviews' (API"
                + " group authorization.k8s.io)");
    assertThat(result.evidence()).containsEntry("basis", "static");
  }

  @Test
  void partial_answers_are_completed_from_the_objects() throws Exception {
    List<AccessReview> some =
        reviews(LAUNCHER_USER, Set.of("delete pods")).stream()
            .filter(r -> r.verb().equals("create") || r.verb().equals("delete"))
            .toList();
    Diagnosis diagnosis = with("fail.seed-role-without-patch-watch-delete.yaml", some, List.of());

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message())
        .contains(
            "finished pods) (2 confirmed by SubjectAccessReview, the rest evaluated from the Roles"
                + " and bindings read)");
  }

  @Test
  void unreadable_rbac_does_not_matter_when_access_reviews_answered() throws Exception {
    Diagnosis diagnosis =
        with("error.rbac-forbidden.yaml", reviews(LAUNCHER_USER, Set.of()), List.of());

    assertThat(only(diagnosis).status()).isEqualTo(Status.PASS);
  }

  @Test
  void unreadable_rbac_and_forbidden_access_review_give_an_error_naming_both() throws Exception {
    Diagnosis diagnosis = with("error.rbac-forbidden.yaml", List.of(), List.of(SAR_FORBIDDEN));

    Result result = only(diagnosis);

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.message())
        .contains("cannot list rolebindings in namespace airbyte: 403 Forbidden")
        .contains(
            "and SubjectAccessReview was not possible: cannot create subjectaccessreviews"
                + " cluster-wide: 403 Forbidden");
    assertThat(result.remediation())
        .contains("kubectl auth can-i --list -n airbyte --as=" + LAUNCHER_USER);
  }

  @Test
  void extra_role_name_already_taken_gets_a_suffix() throws Exception {
    Diagnosis loaded = load("fail.seed-role-without-patch-watch-delete.yaml");
    Snapshot s = loaded.snapshot();
    Role taken =
        new RoleBuilder()
            .withNewMetadata()
            .withName("airbyte-job-launcher-extra")
            .withNamespace("airbyte")
            .endMetadata()
            .build();
    List<Role> roles = Stream.concat(s.roles().stream(), Stream.of(taken)).toList();
    Snapshot snapshot =
        new Snapshot(
            s.capturedAt(),
            s.source(),
            s.deployments(),
            s.pods(),
            s.events(),
            s.configMaps(),
            s.serviceAccounts(),
            s.secrets(),
            s.helmReleases(),
            s.nodes(),
            roles,
            s.roleBindings(),
            s.clusterRoles(),
            s.clusterRoleBindings(),
            s.networkPolicies(),
            s.accessReviews(),
            s.connectorDiscoveries(),
            s.registryObservations(),
            s.collectionErrors());

    Result result = only(Diagnosis.of(snapshot, Fixture.DEFAULT_NOW, true, List.of()));

    assertThat(result.remediation())
        .contains("name: airbyte-job-launcher-extra-2\n")
        .doesNotContain("name: airbyte-job-launcher-extra\n");
  }

  @Test
  void no_launcher_skips() throws Exception {
    Diagnosis empty =
        Diagnosis.of(
            Snapshot.builder(Fixture.DEFAULT_NOW, new Source(SourceType.CLUSTER, null, "airbyte"))
                .build(),
            Fixture.DEFAULT_NOW,
            true,
            List.of());

    Result result = only(empty);

    assertThat(result.status()).isEqualTo(Status.SKIP);
    assertThat(result.message()).contains("see launcher.pull-secret-env");
  }

  /**
   * One answer per permission Airbyte 1.8's workload-launcher uses, for {@code user} in namespace
   * airbyte.
   */
  private static List<AccessReview> reviews(String user, Set<String> denied) {
    List<AccessReview> reviews = new ArrayList<>();
    for (LauncherPermissions.Grant grant :
        LauncherPermissions.grants(
            Component.WORKLOAD_LAUNCHER,
            AirbyteVersion.parse("1.8.1").orElseThrow(),
            LauncherPermissions.Account.LAUNCHER)) {
      Permission p = grant.permission();
      reviews.add(
          new AccessReview(
              user, "airbyte", p.group(), p.resource(), p.verb(), !denied.contains(p.display())));
    }
    return reviews;
  }

  private static Diagnosis load(String fixture) throws Exception {
    return Fixture.load(DIR.resolve(fixture)).diagnosis();
  }

  private static Diagnosis with(
      String fixture, List<AccessReview> reviews, List<CollectionError> errors) throws Exception {
    Snapshot s = load(fixture).snapshot();
    Snapshot snapshot =
        new Snapshot(
            s.capturedAt(),
            s.source(),
            s.deployments(),
            s.pods(),
            s.events(),
            s.configMaps(),
            s.serviceAccounts(),
            s.secrets(),
            s.helmReleases(),
            s.nodes(),
            s.roles(),
            s.roleBindings(),
            s.clusterRoles(),
            s.clusterRoleBindings(),
            s.networkPolicies(),
            Stream.concat(s.accessReviews().stream(), reviews.stream()).toList(),
            s.connectorDiscoveries(),
            s.registryObservations(),
            Stream.concat(s.collectionErrors().stream(), errors.stream()).toList());
    return Diagnosis.of(snapshot, Fixture.DEFAULT_NOW, true, List.of());
  }

  private static Result only(Diagnosis diagnosis) {
    List<Result> results = Rules.byId("rbac.job-launcher").orElseThrow().evaluate(diagnosis);
    assertThat(results).hasSize(1);
    return results.get(0);
  }
}
