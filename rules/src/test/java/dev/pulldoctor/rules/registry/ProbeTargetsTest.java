package dev.pulldoctor.rules.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.FixtureAccess;
import dev.pulldoctor.rules.engine.Diagnosis;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTargetsTest {

  @Test
  void matching_entry_of_the_configured_secret_in_kubelet_order() throws Exception {
    Diagnosis diagnosis = FixtureAccess.diagnosis("registry.reachable/pass.bearer-registry.yaml");

    List<ProbeTarget> targets = ProbeTargets.of(diagnosis);

    assertThat(targets)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.registry()).isEqualTo("registry.example.com");
              assertThat(t.manifestReference()).isEqualTo("1.2.0");
              assertThat(t.namespace()).isEqualTo("airbyte");
              assertThat(t.podSecrets()).containsExactly("regcred");
              assertThat(t.credentials())
                  .singleElement()
                  .satisfies(
                      m -> {
                        assertThat(m.secretName()).isEqualTo("regcred");
                        assertThat(m.registryKey()).isEqualTo("registry.example.com");
                      });
            });
  }

  @Test
  void docker_hub_images_are_probed_at_the_api_host_and_without_matches_anonymously()
      throws Exception {
    Diagnosis diagnosis = FixtureAccess.diagnosis("pullsecret.credentials/warn.rate-limited.yaml");

    ProbeTarget target = ProbeTargets.of(diagnosis).get(0);

    assertThat(target.registry()).isEqualTo("registry-1.docker.io");
    assertThat(target.reference().path()).isEqualTo("acmecorp/source-internal-api");
    assertThat(target.credentials()).isEmpty();
  }

  @Test
  void a_digest_is_asked_for_by_digest_and_no_tag_means_latest() throws Exception {
    String digest = "sha256:" + "a".repeat(64);
    Diagnosis withDigest =
        FixtureAccess.diagnosis(
            "registry.reachable/pass.bearer-registry.yaml",
            List.of("registry.example.com/team/x@" + digest, "registry.example.com/team/y"));

    List<ProbeTarget> targets = ProbeTargets.of(withDigest);

    assertThat(targets)
        .extracting(ProbeTarget::manifestReference)
        .containsExactly(digest, "latest");
  }

  @Test
  void invalid_references_are_not_probed() throws Exception {
    Diagnosis diagnosis =
        FixtureAccess.diagnosis(
            "registry.reachable/pass.bearer-registry.yaml",
            List.of("https://registry.example.com/x:1"));

    assertThat(ProbeTargets.of(diagnosis)).isEmpty();
  }
}
