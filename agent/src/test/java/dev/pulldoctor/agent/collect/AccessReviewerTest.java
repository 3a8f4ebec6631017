package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live SubjectAccessReviews for the launcher's service account, against fabric8's mock API server
 * (CRUD for the objects, expectations for the reviews, which CRUD mode only echoes).
 */
@EnableKubernetesMockClient(crud = true)
class AccessReviewerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SAR_PATH = ReviewAnswers.PATH;
  private static final String LAUNCHER = "system:serviceaccount:airbyte:airbyte-admin";

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void seedHealthyInstall() throws InputException {
    List<HasMetadata> objects =
        new ManifestReader()
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")))
            .objects();
    MockClusters.seed(client, objects);
  }

  @Test
  void denied_reviews_fail_the_rule_with_exactly_those_permissions() throws Exception {
    Set<String> denied = Set.of("patch pods", "delete pods");
    List<SubjectAccessReview> asked =
        answerReviews(a -> !denied.contains(a.getVerb() + " " + a.getResource()));

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    // What Airbyte 1.8.5's workload-launcher calls: create, patch, list, watch and delete pods.
    assertThat(asked).hasSize(5);
    assertThat(asked.get(0).getSpec().getUser()).isEqualTo(LAUNCHER);
    assertThat(asked.get(0).getSpec().getGroups())
        .containsExactly(
            "system:serviceaccounts", "system:serviceaccounts:airbyte", "system:authenticated");
    assertThat(asked.get(0).getSpec().getResourceAttributes().getNamespace()).isEqualTo("airbyte");
    assertThat(live.accessReviews())
        .hasSize(5)
        .filteredOn(r -> !r.allowed())
        .extracting(AccessReview::verb, AccessReview::group, AccessReview::resource)
        .containsExactly(tuple("patch", "", "pods"), tuple("delete", "", "pods"));
    Result result = rbacResult(live);
    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message())
        .contains(
            "lacks 2 of the 5 permissions Airbyte uses in namespace airbyte: patch pods (job pods"
                + " are created by server-side apply, an HTTP PATCH); delete pods (deletes pods of"
                + " a superseded attempt and finished pods) (confirmed by SubjectAccessReview)");
  }

  @Test
  void a_version_that_copies_files_with_kubectl_cp_is_asked_about_the_exec_subresource()
      throws Exception {
    ConfigMap env =
        client.configMaps().inNamespace("airbyte").withName("airbyte-airbyte-env").get();
    env.getData().put("AIRBYTE_VERSION", "1.0.0");
    client.resource(env).update();
    List<SubjectAccessReview> reviews = answerReviews(a -> true);

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(reviews)
        .extracting(r -> r.getSpec().getResourceAttributes())
        .extracting(
            ResourceAttributes::getVerb,
            ResourceAttributes::getResource,
            ResourceAttributes::getSubresource)
        .contains(
            tuple("create", "pods", "exec"),
            tuple("get", "pods", "exec"),
            tuple("patch", "pods", null));
    assertThat(live.accessReviews())
        .extracting(AccessReview::verb, AccessReview::resource)
        .contains(tuple("create", "pods/exec"));
    assertThat(rbacResult(live).status()).isEqualTo(Status.PASS);
  }

  /**
   * Answers every SubjectAccessReview by {@code allowed} on its resource attributes; the list fills
   * with the reviews asked, in order.
   */
  private List<SubjectAccessReview> answerReviews(Predicate<ResourceAttributes> allowed) {
    return ReviewAnswers.answer(server, allowed);
  }

  @Test
  void forbidden_reviews_are_recorded_once_and_the_rule_falls_back_to_the_objects()
      throws Exception {
    // The Role the seed guide suggests: pods get, list and create only (and secrets and jobs,
    // which Airbyte never calls).
    Role role = client.rbac().roles().inNamespace("airbyte").withName("airbyte-admin-role").get();
    role.setRules(
        List.of(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("pods")
                .withVerbs("get", "list", "create")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("secrets")
                .withVerbs("get", "list", "create", "delete")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("batch")
                .withResources("jobs")
                .withVerbs("get", "list", "create", "delete")
                .build()));
    client.resource(role).update();
    AtomicInteger attempts = new AtomicInteger();
    server
        .expect()
        .post()
        .withPath(SAR_PATH)
        .andReply(
            403,
            request -> {
              attempts.incrementAndGet();
              return new StatusBuilder()
                  .withCode(403)
                  .withReason("Forbidden")
                  .withMessage(
                      "subjectaccessreviews.authorization.k8s.io is forbidden: User"
                          + " \"system:serviceaccount:airbyte:pulldoctor\" cannot create resource"
                          + " \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the"
                          + " cluster scope")
                  .build();
            })
        .always();

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(attempts).hasValue(1);
    assertThat(live.accessReviews()).isEmpty();
    assertThat(live.collectionErrors())
        .containsExactly(
            new CollectionError(
                "subjectaccessreviews", "authorization.k8s.io", null, "create", 403, "Forbidden"));
    Result result = rbacResult(live);
    assertThat(result.status()).isEqualTo(Status.FAIL);
    assertThat(result.message())
        .contains(
            "finished pods) (evaluated from the Roles and bindings read, because"
                + " SubjectAccessReview was not possible: cannot create subjectaccessreviews"
                + " cluster-wide: 403 Forbidden; grant 'create' on 'subjectaccessreviews' (API"
                + " group authorization.k8s.io) to the identity running pulldoctor)");
  }

  @Test
  void other_failures_are_recorded_with_their_status() throws Exception {
    // e.g. an API proxy that does not serve authorization.k8s.io (5xx would be retried slowly)
    server.expect().post().withPath(SAR_PATH).andReturn(404, "not found").always();

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(live.accessReviews()).isEmpty();
    assertThat(live.collectionErrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.describe())
                  .isEqualTo(
                      "cannot create subjectaccessreviews cluster-wide (HTTP 404): Not Found");
            });
    assertThat(rbacResult(live).status()).isEqualTo(Status.PASS);
  }

  @Test
  void a_review_echoed_without_status_is_no_answer() throws Exception {
    // CRUD mode stores the review and returns it as sent, like a server that does not evaluate.
    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(live.accessReviews()).isEmpty();
    assertThat(live.collectionErrors()).isEmpty();
    assertThat(rbacResult(live).message()).contains("evaluated from the Roles and bindings read");
  }

  private static Result rbacResult(Snapshot snapshot) {
    List<Result> results =
        Rules.byId("rbac.job-launcher")
            .orElseThrow()
            .evaluate(Diagnosis.of(snapshot, NOW, true, List.of()));
    assertThat(results).hasSize(1);
    return results.get(0);
  }
}
