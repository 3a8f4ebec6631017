package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.image.ImageReference;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeImagesTest {
  private static final String DIGEST =
      "sha256:4f5c2a1e9b7d3c8a6e0f1b2d4c6e8a0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c";
  private static final String OTHER_DIGEST =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "kind://docker/airbyte-abctl/airbyte-abctl-control-plane, docker, airbyte-abctl",
    "kind://podman/dev/dev-worker2, podman, dev",
    // malformed but still kind's scheme: kind's default cluster name
    "kind://docker, docker, kind",
  })
  void kind_nodes_are_recognised_by_provider_id(
      String providerId, String provider, String cluster) {
    Node node = node("n", providerId, List.of());

    assertThat(NodeImages.kindNode(node)).contains(new NodeImages.KindNode(provider, cluster));
  }

  @Test
  void other_provider_ids_are_not_kind() {
    assertThat(NodeImages.kindNode(node("n", "aws:///us-east-1a/i-0a1b2c3d4e5f67890", List.of())))
        .isEmpty();
    assertThat(NodeImages.kindNode(new NodeBuilder().withNewMetadata().endMetadata().build()))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} listed as {1} -> {2}")
  @CsvSource({
    // kind load normalises names the way the kubelet does
    "source-orders:dev, docker.io/library/source-orders:dev, true",
    "acme/source-orders:0.3.1, docker.io/acme/source-orders:0.3.1, true",
    "index.docker.io/acme/source-orders:0.3.1, docker.io/acme/source-orders:0.3.1, true",
    // no tag means latest
    "source-orders, docker.io/library/source-orders:latest, true",
    "source-orders:dev, docker.io/library/source-orders:latest, false",
    "source-orders:dev, docker.io/acme/source-orders:dev, false",
    // a digest reference matches by repository and digest; the tag beside it is ignored
    "ghcr.io/acme/source-orders:0.3.1@"
        + DIGEST
        + ", ghcr.io/acme/source-orders@"
        + DIGEST
        + ", true",
    "ghcr.io/acme/source-orders@"
        + DIGEST
        + ", ghcr.io/acme/source-orders@"
        + OTHER_DIGEST
        + ", false",
    "ghcr.io/acme/source-orders@" + DIGEST + ", ghcr.io/acme/source-orders:0.3.1, false",
    "ghcr.io/acme/source-orders@" + DIGEST + ", ghcr.io/other/source-orders@" + DIGEST + ", false",
  })
  void images_match_as_the_kubelet_looks_them_up(String wanted, String listed, boolean same) {
    assertThat(NodeImages.sameImage(ref(listed), ref(wanted))).isEqualTo(same);
  }

  @Test
  void a_missing_name_is_absent_only_while_the_list_is_not_full() {
    ImageReference image = ref("source-orders:dev");
    List<List<String>> short49 = filler(49);
    List<List<String>> full50 = filler(50);

    assertThat(NodeImages.presence(node("a", null, short49), image))
        .isEqualTo(NodeImages.Presence.ABSENT);
    assertThat(NodeImages.presence(node("b", null, full50), image))
        .isEqualTo(NodeImages.Presence.UNKNOWN);
    assertThat(NodeImages.presence(node("c", null, List.of()), image))
        .isEqualTo(NodeImages.Presence.UNKNOWN);
    List<List<String>> withIt = new ArrayList<>(full50);
    withIt.add(List.of("docker.io/library/source-orders:dev"));
    assertThat(NodeImages.presence(node("d", null, withIt), image))
        .isEqualTo(NodeImages.Presence.PRESENT);
  }

  @Test
  void a_loaded_image_has_no_registry_digest_a_pulled_one_has() {
    ImageReference image = ref("acme/source-orders:0.3.1");
    Node loaded = node("w1", null, List.of(List.of("docker.io/acme/source-orders:0.3.1")));
    Node pulled =
        node(
            "w2",
            null,
            List.of(
                List.of(
                    "docker.io/acme/source-orders@" + DIGEST,
                    "docker.io/acme/source-orders:0.3.1")));

    assertThat(NodeImages.loadedNotPulled(loaded, image)).isTrue();
    assertThat(NodeImages.loadedNotPulled(pulled, image)).isFalse();
  }

  @Test
  void cordoned_and_tainted_nodes_do_not_run_job_pods_unless_no_other_node_does() {
    Node controlPlane =
        new NodeBuilder()
            .withNewMetadata()
            .withName("dev-control-plane")
            .endMetadata()
            .withNewSpec()
            .addNewTaint()
            .withKey("node-role.kubernetes.io/control-plane")
            .withEffect("NoSchedule")
            .endTaint()
            .endSpec()
            .build();
    Node cordoned =
        new NodeBuilder()
            .withNewMetadata()
            .withName("dev-worker2")
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(true)
            .endSpec()
            .build();
    Node worker = node("dev-worker", null, List.of());

    assertThat(NodeImages.schedulable(List.of(controlPlane, cordoned, worker)))
        .containsExactly(worker);
    assertThat(NodeImages.schedulable(List.of(controlPlane))).containsExactly(controlPlane);
  }

  private static List<List<String>> filler(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> List.of("docker.io/acme/tool-" + i + ":1.0"))
        .toList();
  }

  private static ImageReference ref(String image) {
    return ImageReference.tryParse(image).orElseThrow();
  }

  private static Node node(String name, String providerId, List<List<String>> images) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withProviderID(providerId)
        .endSpec()
        .withNewStatus()
        .withImages(images.stream().map(n -> new ContainerImage(n, 1000L)).toList())
        .endStatus()
        .build();
  }
}
