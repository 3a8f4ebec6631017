package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Live collection against fabric8's mock API server gives what the same objects give offline. */
@EnableKubernetesMockClient(crud = true)
class ClusterCollectorTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  KubernetesMockServer server;
  KubernetesClient client;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthy-private-registry",
        "abctl-missing-pull-secret",
        "worker-env-on-1x",
        "space-padded-secret-list"
      })
  void cluster_and_manifests_give_the_same_results(String example) throws Exception {
    Path dir = Path.of("..", "examples", example);
    Snapshot offline = new ManifestSnapshots(CLOCK).read(List.of(dir), null);
    seed(dir);

    Snapshot live = new ClusterCollector(client, CLOCK).collect(null, "mock");

    assertThat(live.source().namespace()).isEqualTo(offline.source().namespace());
    assertThat(comparable(run(live))).isEqualTo(comparable(run(offline)));
    assertThat(live.collectionErrors()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthy-private-registry",
        "abctl-missing-pull-secret",
        "worker-env-on-1x",
        "space-padded-secret-list"
      })
  void a_namespace_without_airbyte_names_the_namespace_that_has_it(String example)
      throws Exception {
    Path dir = Path.of("..", "examples", example);
    seed(dir);
    String airbyte = new ManifestSnapshots(CLOCK).read(List.of(dir), null).source().namespace();

    Snapshot live = new ClusterCollector(client, CLOCK).collect("wrongns", "mock");
    Map<String, Status> statuses = worstByRule(run(live));

    assertThat(statuses)
        .containsEntry("launcher.pull-secret-env", Status.ERROR)
        .containsEntry("events.pull-failures", Status.SKIP)
        .doesNotContainValue(Status.PASS);
    assertThat(run(live))
        .filteredOn(r -> r.rule().equals("launcher.pull-secret-env"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.message())
                    .contains("no Airbyte job launcher in namespace wrongns")
                    .contains("run pulldoctor with -n " + airbyte));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.8.5", "2.2.0"})
  void a_helm_release_record_names_the_misspelt_key_and_keeps_none_of_its_other_values(String chart)
      throws Exception {
    Path dir = Path.of("src/test/resources/conformance/charts", chart, "wrong-spelling");
    seed(
        List.of(
            dir.resolve("render.yaml"),
            dir.resolve("cluster.yaml"),
            dir.resolve("helm-release.yaml")));

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");
    List<Result> results = run(live);

    assertThat(live.helmReleases())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.chartVersion()).isEqualTo(chart);
              assertThat(r.values().toString()).doesNotContain("CANARY");
            });
    assertThat(results)
        .filteredOn(r -> r.rule().equals("launcher.pull-secret-env"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.message())
                    .contains("Your Helm values (release airbyte, revision 1) set")
                    .contains(
                        chart.startsWith("2")
                            ? "global.jobs.kube.main_container_image_pull_secret: regcred"
                            : "global.jobs.kube.mainContainerImagePullSecret: regcred"));
    assertThat(results.toString()).doesNotContain("CANARY");
  }

  @Test
  void forbidden_secrets_make_the_secret_rules_error_and_leave_the_others_alone() throws Exception {
    Path dir = Path.of("..", "examples", "healthy-private-registry");
    seed(dir);
    forbid(LargeNamespace.pagePath("/api/v1/namespaces/airbyte/secrets", 0), "list");
    forbid("/api/v1/namespaces/airbyte/secrets/regcred", "get");

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");
    Map<String, Status> statuses = worstByRule(run(live));

    assertThat(statuses)
        .containsEntry("pullsecret.exists", Status.ERROR)
        .containsEntry("pullsecret.format", Status.ERROR)
        .containsEntry("pullsecret.registry-match", Status.ERROR)
        .containsEntry("launcher.pull-secret-env", Status.PASS)
        .containsEntry("image.reference", Status.PASS);
    assertThat(run(live).stream().filter(r -> r.status() == Status.ERROR))
        .allSatisfy(
            r ->
                assertThat(r.message())
                    .contains("cannot get secrets in namespace airbyte: 403 Forbidden")
                    .contains("grant 'get' on 'secrets'"));
  }

  @Test
  @DisplayName(
      "may get only the named secrets (RBAC resourceNames): they are read one by one and every"
          + " secret rule runs")
  void named_secrets_are_read_one_by_one_when_listing_is_forbidden() throws Exception {
    Path dir = Path.of("..", "examples", "healthy-private-registry");
    seed(dir);
    forbid(LargeNamespace.pagePath("/api/v1/namespaces/airbyte/secrets", 0), "list");

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(live.collectionErrors()).isEmpty();
    assertThat(live.secretsIn("airbyte")).extracting(s -> s.name()).containsExactly("regcred");
    assertThat(worstByRule(run(live)))
        .containsEntry("pullsecret.exists", Status.PASS)
        .containsEntry("pullsecret.format", Status.PASS)
        .containsEntry("pullsecret.registry-match", Status.PASS);
  }

  @Test
  void a_named_secret_that_is_not_there_is_missing_not_unreadable() throws Exception {
    Path dir = Path.of("..", "examples", "healthy-private-registry");
    seed(dir);
    client.secrets().inNamespace("airbyte").withName("regcred").delete();
    forbid(LargeNamespace.pagePath("/api/v1/namespaces/airbyte/secrets", 0), "list");

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    assertThat(live.collectionErrors()).isEmpty();
    assertThat(worstByRule(run(live))).containsEntry("pullsecret.exists", Status.FAIL);
  }

  @Test
  void a_pull_secret_of_the_wrong_type_is_read_by_name_and_no_other_secret_keeps_data()
      throws Exception {
    Path dir = Path.of("..", "examples", "healthy-private-registry");
    seed(dir);
    // regcred made with 'kubectl create secret generic --from-file=.dockerconfigjson=…': the
    // kubelet ignores it, since only the two docker types are read.
    Secret regcred = client.secrets().inNamespace("airbyte").withName("regcred").get();
    client.secrets().inNamespace("airbyte").withName("regcred").delete();
    client
        .secrets()
        .inNamespace("airbyte")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .withNamespace("airbyte")
                .endMetadata()
                .withType("Opaque")
                .withData(regcred.getData())
                .build())
        .create();
    Snapshot offline = new ManifestSnapshots(CLOCK).read(List.of(dir), null);
    int before = server.getRequestCount();

    Snapshot live = new ClusterCollector(client, CLOCK).collect("airbyte", "mock");

    List<String> gets = new ArrayList<>();
    for (int i = 0, after = server.getRequestCount(); i < after; i++) {
      String path = server.takeRequest(1, TimeUnit.SECONDS).getPath();
      if (i >= before && path.startsWith("/api/v1/namespaces/airbyte/secrets/")) {
        gets.add(path);
      }
    }
    assertThat(gets).containsExactly("/api/v1/namespaces/airbyte/secrets/regcred");
    assertThat(live.secret("airbyte", "regcred").orElseThrow())
        .satisfies(
            s -> {
              assertThat(s.type()).isEqualTo("Opaque");
              assertThat(s.dataKeys()).containsExactly(".dockerconfigjson");
            });
    assertThat(run(live))
        .filteredOn(r -> r.rule().equals("pullsecret.format"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.FAIL);
              assertThat(r.message()).contains("holds a .dockerconfigjson key but its type is not");
            });
    // The mock answers the type-selected LISTs with every Secret; none but the docker and Helm
    // types is kept with its data.
    assertThat(live.secret("airbyte", "airbyte-airbyte-secrets").orElseThrow())
        .satisfies(
            s -> {
              assertThat(s.dataNotRead()).isTrue();
              assertThat(s.valueFingerprints()).isEmpty();
            });
    assertThat(offline.secret("airbyte", "airbyte-airbyte-secrets").orElseThrow().dataKeys())
        .isNotEmpty();
  }

  private void forbid(String path, String verb) {
    server
        .expect()
        .get()
        .withPath(path)
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "secrets is forbidden: User \"system:serviceaccount:airbyte:pulldoctor\""
                        + " cannot "
                        + verb
                        + " resource \"secrets\" in API group \"\" in the namespace"
                        + " \"airbyte\"")
                .build())
        .always();
  }

  private void seed(Path dir) throws InputException {
    seed(List.of(dir));
  }

  private void seed(List<Path> paths) throws InputException {
    MockClusters.seedFrom(client, paths);
  }

  private static List<Result> run(Snapshot snapshot) {
    return new RuleEngine(Rules.all())
        .run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW)
        .results();
  }

  /**
   * Results without the evidence map, whose order of list items may differ by source. {@code
   * launcher.rollout} compares a ConfigMap's creation time with the pods' start times, and the mock
   * API server stamps objects with the wall-clock time it stores them, so that rule cannot agree
   * between the two sources here; its own fixtures cover it.
   */
  private static List<String> comparable(List<Result> results) {
    return results.stream()
        .filter(r -> !r.rule().equals("launcher.rollout"))
        .map(
            r ->
                String.join(
                    " | ",
                    r.rule(),
                    r.status().word(),
                    String.valueOf(r.subject()),
                    String.valueOf(r.image()),
                    r.message(),
                    String.valueOf(r.remediation())))
        .toList();
  }

  private static Map<String, Status> worstByRule(List<Result> results) {
    return results.stream()
        .collect(
            Collectors.toMap(
                Result::rule, Result::status, (a, b) -> a.isAtLeast(b) ? a : b, TreeMap::new));
  }
}
