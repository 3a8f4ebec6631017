package dev.pulldoctor.rules.airbyte;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.FixtureAccess;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSchedulingTest {

  @Test
  void custom_connectors_use_the_isolated_selector_when_enabled() throws Exception {
    AirbyteInstall install =
        FixtureAccess.diagnosis("registry.platform/pass.isolated-pool-arm64.yaml").install();

    JobScheduling scheduling = JobScheduling.of(install);

    assertThat(scheduling.selectorText()).isEqualTo("airbyte.io/pool=custom-connectors");
    assertThat(scheduling.nodeSelector()).isEqualTo(Map.of("airbyte.io/pool", "custom-connectors"));
    assertThat(scheduling.tolerations()).isEmpty();
  }

  @Test
  void no_selector_and_tolerations_parsed_like_airbyte() throws Exception {
    AirbyteInstall install =
        FixtureAccess.diagnosis("registry.reachable/pass.bearer-registry.yaml").install();

    assertThat(JobScheduling.of(install).selectorText()).isEmpty();
    assertThat(JobScheduling.of(install).nodeSelector()).isEmpty();
  }

  @Test
  void tolerations_missing_a_field_are_dropped() throws Exception {
    AirbyteInstall install =
        FixtureAccess.diagnosis("registry.platform/pass.isolated-pool-arm64.yaml").install();
    // the launcher of that fixture has no tolerations; parse the variable directly
    JobScheduling scheduling =
        new JobScheduling("", Map.of(), JobScheduling.of(install).tolerations());
    assertThat(scheduling.tolerations()).isEmpty();

    Toleration parsed =
        JobScheduling.parseTolerations(
                "key=dedicated,operator=Equal,value=airbyte,effect=NoSchedule;key=x,effect=NoExecute")
            .get(0);
    assertThat(parsed.getKey()).isEqualTo("dedicated");
    assertThat(parsed.getOperator()).isEqualTo("Equal");
    assertThat(parsed.getValue()).isEqualTo("airbyte");
    assertThat(parsed.getEffect()).isEqualTo("NoSchedule");
    assertThat(
            JobScheduling.parseTolerations(
                "key=dedicated,operator=Equal,value=airbyte,effect=NoSchedule;key=x,effect=NoExecute"))
        .hasSize(1);
    assertThat(JobScheduling.parseTolerations(" ")).isEmpty();
  }
}
