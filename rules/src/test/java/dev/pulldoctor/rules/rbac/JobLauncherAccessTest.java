package dev.pulldoctor.rules.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.Component;
import dev.pulldoctor.rules.airbyte.Workload;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobLauncherAccessTest {
  @Test
  void launcher_account_comes_from_the_pod_template() {
    assertThat(account(new PodSpecBuilder().withServiceAccountName("airbyte-launcher").build()))
        .isEqualTo(new ServiceAccountUser("airbyte", "airbyte-launcher"));
  }

  @Test
  void deprecated_service_account_field_still_counts() {
    assertThat(account(new PodSpecBuilder().withServiceAccount("legacy").build()))
        .isEqualTo(new ServiceAccountUser("airbyte", "legacy"));
  }

  @Test
  void without_either_field_pods_run_as_default() {
    assertThat(account(new PodSpecBuilder().build()))
        .isEqualTo(new ServiceAccountUser("airbyte", "default"));
  }

  @Test
  void the_workload_launcher_needs_only_the_pods_api_and_never_secrets_or_jobs() {
    assertThat(displays(Component.WORKLOAD_LAUNCHER, "1.8.5", LauncherPermissions.Account.LAUNCHER))
        .containsExactly("create pods", "patch pods", "list pods", "watch pods", "delete pods");
    for (LauncherPermissions.Row row : LauncherPermissions.ROWS) {
      assertThat(row.grants())
          .extracting(g -> g.permission().resource())
          .as(row.component() + " " + row.airbyte().display())
          .allMatch(r -> r.equals("pods") || r.equals("pods/exec"));
    }
  }

  @Test
  void kubectl_cp_needs_pods_exec_until_1_1_and_the_2_0_sweeper_gets_pods() {
    assertThat(displays(Component.WORKLOAD_LAUNCHER, "1.1.0", LauncherPermissions.Account.LAUNCHER))
        .contains("get pods", "create pods/exec", "get pods/exec");
    assertThat(displays(Component.WORKLOAD_LAUNCHER, "1.2.0", LauncherPermissions.Account.LAUNCHER))
        .doesNotContain("get pods", "create pods/exec");
    assertThat(
            LauncherPermissions.grants(
                Component.WORKLOAD_LAUNCHER,
                version("2.0.0"),
                LauncherPermissions.Account.LAUNCHER))
        .filteredOn(g -> !g.required())
        .extracting(g -> g.permission().display())
        .containsExactly("get pods");
  }

  @Test
  void the_worker_creates_pods_with_a_post_and_its_orchestrator_needs_the_same() {
    assertThat(displays(Component.WORKER, "0.50.44", LauncherPermissions.Account.LAUNCHER))
        .containsExactly(
            "create pods",
            "get pods",
            "list pods",
            "watch pods",
            "delete pods",
            "create pods/exec",
            "get pods/exec");
    assertThat(
            displays(Component.WORKLOAD_LAUNCHER, "0.63.14", LauncherPermissions.Account.JOB_PODS))
        .contains("create pods");
    assertThat(
            displays(Component.WORKLOAD_LAUNCHER, "0.64.5", LauncherPermissions.Account.JOB_PODS))
        .isEmpty();
  }

  @Test
  void an_unknown_version_asks_only_what_every_version_needs() {
    assertThat(
            LauncherPermissions.grants(
                Component.WORKLOAD_LAUNCHER, null, LauncherPermissions.Account.LAUNCHER))
        .extracting(g -> g.permission().display())
        .containsExactly("create pods", "patch pods", "list pods", "watch pods", "delete pods");
    assertThat(
            LauncherPermissions.grants(
                Component.WORKLOAD_LAUNCHER, null, LauncherPermissions.Account.JOB_PODS))
        .isEmpty();
  }

  private static List<String> displays(
      Component component, String version, LauncherPermissions.Account account) {
    return LauncherPermissions.grants(component, version(version), account).stream()
        .map(g -> g.permission().display())
        .toList();
  }

  private static AirbyteVersion version(String text) {
    return AirbyteVersion.parse(text).orElseThrow();
  }

  private static ServiceAccountUser account(PodSpec spec) {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("airbyte-workload-launcher")
            .withNamespace("airbyte")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withSpec(spec)
            .endTemplate()
            .endSpec()
            .build();
    return JobLauncherAccess.launcherAccount(
        new Workload(Component.WORKLOAD_LAUNCHER, deployment, "main", Map.of()));
  }
}
