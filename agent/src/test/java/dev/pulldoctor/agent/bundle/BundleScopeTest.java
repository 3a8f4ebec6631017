package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which objects go into a bundle, and which are only counted. */
class BundleScopeTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void keeps_cluster_rbac_that_can_apply_to_the_bundles_service_accounts() throws Exception {
    Snapshot example = example();
    Snapshot.Builder builder = rebuild(example);
    builder.add(
        clusterRoleBinding("airbyte-sa", "ServiceAccount", "airbyte-admin", "airbyte", "edit"));
    builder.add(clusterRoleBinding("other-sa", "ServiceAccount", "x", "monitoring", "view"));
    builder.add(
        clusterRoleBinding("all-sas", "Group", "system:serviceaccounts:airbyte", null, "pull"));
    builder.add(clusterRoleBinding("everyone", "Group", "system:authenticated", null, "basic"));
    builder.add(
        clusterRoleBinding(
            "as-user", "User", "system:serviceaccount:airbyte:airbyte-admin", null, "psp"));
    builder.add(clusterRoleBinding("admins", "Group", "ops-team", null, "cluster-admin"));
    builder.add(
        new RoleBindingBuilder()
            .withNewMetadata()
            .withName("uses-cluster-role")
            .withNamespace("airbyte")
            .endMetadata()
            .withNewRoleRef()
            .withKind("ClusterRole")
            .withName("secret-reader")
            .endRoleRef()
            .build());
    for (String role :
        List.of(
            "edit", "view", "pull", "basic", "psp", "cluster-admin", "secret-reader", "unused")) {
      builder.add(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata().build());
    }

    BundleScope scope = BundleScope.of(builder.build());

    assertThat(names(scope.objects(ObjectFile.CLUSTER_ROLE_BINDINGS)))
        .containsExactly("airbyte-sa", "all-sas", "as-user", "everyone");
    assertThat(names(scope.objects(ObjectFile.CLUSTER_ROLES)))
        .containsExactly("basic", "edit", "psp", "pull", "secret-reader");
    assertThat(scope.omitted())
        .extracting(BundleScope.Omission::resource, BundleScope.Omission::count)
        .contains(
            org.assertj.core.groups.Tuple.tuple("clusterrolebindings", 2),
            org.assertj.core.groups.Tuple.tuple("clusterroles", 3));
  }

  @Test
  void keeps_the_config_maps_the_launcher_reads_through_env_from() throws Exception {
    Snapshot example = example();
    Snapshot.Builder builder = Snapshot.builder(NOW, example.source());
    for (Deployment deployment : example.deployments()) {
      if (deployment.getMetadata().getName().endsWith("workload-launcher")) {
        deployment
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnvFrom()
            .add(
                new EnvFromSourceBuilder()
                    .withNewConfigMapRef()
                    .withName("launcher-extra")
                    .endConfigMapRef()
                    .build());
      }
      builder.add(deployment);
    }
    builder.addAll(example.configMaps());
    builder.add(
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("launcher-extra")
            .withNamespace("airbyte")
            .endMetadata()
            .build());
    builder.add(
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("launcher-extra")
            .withNamespace("elsewhere")
            .endMetadata()
            .build());

    BundleScope scope = BundleScope.of(builder.build());

    assertThat(scope.objects(ObjectFile.CONFIG_MAPS))
        .extracting(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .containsExactly("airbyte/airbyte-airbyte-env", "airbyte/launcher-extra");
  }

  private static Snapshot example() throws Exception {
    return new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
        .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
  }

  private static Snapshot.Builder rebuild(Snapshot snapshot) {
    Snapshot.Builder builder = Snapshot.builder(NOW, snapshot.source());
    builder.addAll(snapshot.deployments()).addAll(snapshot.configMaps()).addAll(snapshot.pods());
    return builder;
  }

  private static HasMetadata clusterRoleBinding(
      String name, String kind, String subject, String namespace, String role) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withSubjects(
            new SubjectBuilder().withKind(kind).withName(subject).withNamespace(namespace).build())
        .withNewRoleRef()
        .withKind("ClusterRole")
        .withName(role)
        .endRoleRef()
        .build();
  }

  private static List<String> names(List<HasMetadata> objects) {
    List<String> names = new ArrayList<>();
    objects.forEach(o -> names.add(o.getMetadata().getName()));
    return names;
  }
}
