package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the lookup steps take from a registry's JSON, and the registry's address. */
class ProbeStepParsingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a_platform_needs_os_and_architecture_and_skips_attestations() throws Exception {
    assertThat(
            PlatformStep.platform(JSON.readTree("{\"os\":\"linux\",\"architecture\":\"amd64\"}")))
        .isEqualTo(new Platform("linux", "amd64", null));
    assertThat(
            PlatformStep.platform(
                JSON.readTree("{\"os\":\"unknown\",\"architecture\":\"unknown\"}")))
        .isNull();
    assertThat(PlatformStep.platform(JSON.readTree("{\"os\":\"linux\"}"))).isNull();
  }

  @Test
  void the_tag_list_keeps_well_formed_tags_up_to_ten() throws Exception {
    StringBuilder tags = new StringBuilder("{\"tags\":[\"-bad\",\"also bad\"");
    for (int i = 0; i < 12; i++) {
      tags.append(",\"v").append(i).append('"');
    }
    List<String> names =
        TagListStep.names(tags.append("]}").toString().getBytes(StandardCharsets.UTF_8));

    assertThat(names).hasSize(TagListStep.TAGS_SHOWN).startsWith("v0", "v1").doesNotContain("-bad");
  }

  @Test
  void the_registry_is_spoken_to_over_https_unless_named_insecure() {
    ProbePolicy policy =
        ProbePolicy.defaults().withInsecureRegistries(List.of("plain.example:5000"));

    assertThat(RegistryEndpoint.of("Registry.Example", policy).uri("/v2/"))
        .hasToString("https://registry.example/v2/");
    RegistryEndpoint plain = RegistryEndpoint.of("plain.example:5000", policy);
    assertThat(plain.scheme()).isEqualTo("http");
    assertThat(plain.display()).isEqualTo("http://plain.example:5000");
    assertThat(RegistryEndpoint.of("plain.example:5001", policy).scheme()).isEqualTo("https");
  }
}
