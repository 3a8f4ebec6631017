package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the daemon watches for an install. */
class WatchTargetsTest {
  @Test
  void the_launcher_its_configmap_the_named_secrets_and_the_job_service_account() throws Exception {
    WatchTargets targets = targets("abctl-missing-pull-secret");
    assertThat(targets)
        .isEqualTo(
            new WatchTargets(
                "airbyte-abctl",
                "airbyte-abctl-workload-launcher",
                "airbyte-abctl-airbyte-env",
                "airbyte-abctl",
                List.of("ghcr-creds"),
                "airbyte-admin"));
  }

  @Test
  void names_that_cannot_exist_are_not_watched() throws Exception {
    // " dockerhub-creds" (from "regcred, dockerhub-creds") is not a valid object name.
    assertThat(targets("space-padded-secret-list").secrets()).containsExactly("regcred");
    assertThat(WatchTargets.canExist("<img src=x onerror=alert(1)>")).isFalse();
    assertThat(WatchTargets.canExist("ghcr-creds.v2")).isTrue();
  }

  private static WatchTargets targets(String example) throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", example)), null);
    return WatchTargets.of(AirbyteInstall.from(snapshot, snapshot.source().namespace()));
  }
}
