package dev.pulldoctor.rules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot's lookups by namespace and name give what a scan of its lists gives. */
class SnapshotLookupTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private final Snapshot snapshot =
      Snapshot.builder(NOW, new Source(SourceType.MANIFESTS, null, "airbyte"))
          .addAll(
              List.of(
                  pod("airbyte", "b"),
                  pod("jobs", "a"),
                  pod("airbyte", "a"),
                  event("airbyte", "e2"),
                  event("jobs", "e1"),
                  event("airbyte", "e1"),
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withNamespace("airbyte")
                      .withName("airbyte-airbyte-env")
                      .endMetadata()
                      .addToData("AIRBYTE_VERSION", "1.8.5")
                      .build(),
                  new ServiceAccountBuilder()
                      .withNewMetadata()
                      .withNamespace("jobs")
                      .withName("airbyte-admin")
                      .endMetadata()
                      .build(),
                  new SecretBuilder()
                      .withNewMetadata()
                      .withNamespace("airbyte")
                      .withName("regcred")
                      .endMetadata()
                      .withType("Opaque")
                      .build(),
                  new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()))
          .build();

  @Test
  void finds_objects_by_namespace_and_name() {
    assertThat(snapshot.secret("airbyte", "regcred")).map(SecretInfo::name).contains("regcred");
    assertThat(snapshot.secret("jobs", "regcred")).isEmpty();
    assertThat(snapshot.secretsIn("airbyte"))
        .extracting(SecretInfo::name)
        .containsExactly("regcred");
    assertThat(snapshot.secretsIn("elsewhere")).isEmpty();
    assertThat(snapshot.configMap("airbyte", "airbyte-airbyte-env")).isPresent();
    assertThat(snapshot.configMap("airbyte", "other")).isEmpty();
    assertThat(snapshot.serviceAccount("jobs", "airbyte-admin")).isPresent();
    assertThat(snapshot.serviceAccount("airbyte", "airbyte-admin")).isEmpty();
  }

  @Test
  void lists_a_namespace_in_snapshot_order() {
    assertThat(Snapshot.inNamespace(snapshot.pods(), "airbyte"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("a", "b");
    // Events keep the order the API server listed them in.
    assertThat(Snapshot.inNamespace(snapshot.events(), "airbyte"))
        .extracting(e -> e.getMetadata().getName())
        .containsExactly("e2", "e1");
    assertThat(Snapshot.inNamespace(snapshot.nodes(), "airbyte")).isEmpty();
    assertThat(Snapshot.inNamespace(List.of(pod("x", "p"), pod("y", "q")), "y"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("q");
  }

  @Test
  void the_first_of_two_objects_with_one_name_wins_as_in_a_scan() {
    Snapshot twice =
        Snapshot.builder(NOW, new Source(SourceType.MANIFESTS, null, "airbyte"))
            .addAll(List.of(secret("Opaque"), secret("kubernetes.io/dockerconfigjson")))
            .build();

    assertThat(twice.secret("airbyte", "regcred")).map(SecretInfo::type).contains("Opaque");
  }

  @Test
  void lists_stay_immutable_and_equal_to_plain_lists() {
    List<Pod> pods = snapshot.pods();
    assertThat(pods).hasSize(3).isEqualTo(List.copyOf(pods));
    assertThatThrownBy(() -> pods.add(pod("airbyte", "c")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(snapshot)
        .isEqualTo(
            new Snapshot(
                snapshot.capturedAt(),
                snapshot.source(),
                List.copyOf(snapshot.deployments()),
                List.copyOf(snapshot.pods()),
                List.copyOf(snapshot.events()),
                List.copyOf(snapshot.configMaps()),
                List.copyOf(snapshot.serviceAccounts()),
                List.copyOf(snapshot.secrets()),
                List.copyOf(snapshot.helmReleases()),
                List.copyOf(snapshot.nodes()),
                List.copyOf(snapshot.roles()),
                List.copyOf(snapshot.roleBindings()),
                List.copyOf(snapshot.clusterRoles()),
                List.copyOf(snapshot.clusterRoleBindings()),
                List.copyOf(snapshot.networkPolicies()),
                List.copyOf(snapshot.accessReviews()),
                List.copyOf(snapshot.connectorDiscoveries()),
                List.copyOf(snapshot.registryObservations()),
                List.copyOf(snapshot.collectionErrors())));
  }

  private static Secret secret(String type) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("airbyte")
        .withName("regcred")
        .endMetadata()
        .withType(type)
        .build();
  }

  private static Pod pod(String namespace, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .build();
  }

  private static Event event(String namespace, String name) {
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .build();
  }
}
