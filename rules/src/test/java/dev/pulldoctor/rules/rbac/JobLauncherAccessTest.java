package dev.pulldoctor.rules.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.airbyte.Component;
import dev.pulldoctor.rules.airbyte.Workload;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
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
  void required_permissions_are_the_contract_of_the_rule() {
    assertThat(JobLauncherAccess.REQUIRED)
        .extracting(Permission::display)
        .containsExactly(
            "get pods",
            "list pods",
            "create pods",
            "delete pods",
            "get secrets",
            "list secrets",
            "create secrets",
            "delete secrets",
            "get jobs.batch",
            "list jobs.batch",
            "create jobs.batch",
            "delete jobs.batch",
            "watch jobs.batch");
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
