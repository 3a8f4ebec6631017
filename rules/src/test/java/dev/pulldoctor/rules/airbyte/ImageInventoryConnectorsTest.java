package dev.pulldoctor.rules.airbyte;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the custom connectors Airbyte's API listed join the images under diagnosis. */
class ImageInventoryConnectorsTest {
  private static final CustomConnector ACME =
      new CustomConnector(
          "Acme API",
          CustomConnector.Kind.SOURCE,
          "Default Workspace",
          "data-team/source-acme:1.2.0",
          null);
  private static final CustomConnector ACME_IN_ANALYTICS =
      new CustomConnector(
          "Acme API",
          CustomConnector.Kind.SOURCE,
          "Analytics",
          "data-team/source-acme:1.2.0",
          null);
  private static final CustomConnector WAREHOUSE =
      new CustomConnector(
          "Warehouse",
          CustomConnector.Kind.DESTINATION,
          "Default Workspace",
          "ghcr.io/acme/destination-warehouse:0.4.1",
          null);

  @Test
  void without_flags_or_pods_the_api_names_the_images_after_the_registry_rewrite()
      throws IOException {
    Snapshot snapshot = snapshot(List.of(), List.of(ACME, ACME_IN_ANALYTICS, WAREHOUSE));

    List<TargetImage> images = ImageInventory.collect(snapshot, install(snapshot), List.of());

    assertThat(images)
        .extracting(TargetImage::effective)
        .containsExactly(
            "registry.example.com/data-team/source-acme:1.2.0",
            "ghcr.io/acme/destination-warehouse:0.4.1");
    TargetImage acme = images.get(0);
    assertThat(acme.origin()).isEqualTo(TargetImage.Origin.AIRBYTE_API);
    assertThat(acme.requested()).isEqualTo("data-team/source-acme:1.2.0");
    assertThat(acme.connectors()).containsExactly(ACME, ACME_IN_ANALYTICS);
    assertThat(images.get(1).connectors()).containsExactly(WAREHOUSE);
  }

  @Test
  void flags_keep_their_origin_and_the_api_adds_the_others() throws IOException {
    Snapshot snapshot = snapshot(List.of(), List.of(ACME, WAREHOUSE));

    List<TargetImage> images =
        ImageInventory.collect(
            snapshot,
            install(snapshot),
            List.of("data-team/source-acme:1.2.0", "quay.io/other/source-x:1"));

    assertThat(images)
        .extracting(TargetImage::effective, TargetImage::origin)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "registry.example.com/data-team/source-acme:1.2.0", TargetImage.Origin.FLAG),
            org.assertj.core.groups.Tuple.tuple(
                "quay.io/other/source-x:1", TargetImage.Origin.FLAG),
            org.assertj.core.groups.Tuple.tuple(
                "ghcr.io/acme/destination-warehouse:0.4.1", TargetImage.Origin.AIRBYTE_API));
    assertThat(images.get(0).connectors()).containsExactly(ACME);
    assertThat(images.get(1).connectors()).isEmpty();
  }

  @Test
  void a_pod_image_learns_its_connector_and_registered_name() throws IOException {
    Snapshot snapshot =
        snapshot(
            List.of(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("source-acme-check-1-0-abcde")
                    .withNamespace("airbyte")
                    .withLabels(Map.of("airbyte", "job-pod"))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("main")
                    .withImage("registry.example.com/data-team/source-acme:1.2.0")
                    .endContainer()
                    .endSpec()
                    .build()),
            List.of(ACME));

    List<TargetImage> images = ImageInventory.collect(snapshot, install(snapshot), List.of());

    assertThat(images).hasSize(1);
    assertThat(images.get(0).origin()).isEqualTo(TargetImage.Origin.POD);
    assertThat(images.get(0).requested()).isEqualTo("data-team/source-acme:1.2.0");
    assertThat(images.get(0).rewritten()).isTrue();
    assertThat(images.get(0).pods()).hasSize(1);
    assertThat(images.get(0).connectors()).containsExactly(ACME);
  }

  private static AirbyteInstall install(Snapshot snapshot) {
    return AirbyteInstall.from(snapshot, "airbyte");
  }

  private static Snapshot snapshot(List<HasMetadata> extra, List<CustomConnector> connectors)
      throws IOException {
    List<HasMetadata> objects = new ArrayList<>(base());
    objects.add(
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("airbyte-airbyte-env")
            .withNamespace("airbyte")
            .endMetadata()
            .withData(
                Map.of(
                    "AIRBYTE_VERSION", "1.8.1",
                    "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "regcred",
                    "JOB_KUBE_CONNECTOR_IMAGE_REGISTRY", "registry.example.com"))
            .build());
    objects.addAll(extra);
    return Snapshot.builder(
            Instant.parse("2026-11-23T12:00:00Z"),
            new Source(SourceType.MANIFESTS, null, "airbyte"))
        .addAll(objects)
        .connectorDiscovery(
            ConnectorDiscovery.found("http://localhost:8000", "none", null, connectors))
        .build();
  }

  private static List<HasMetadata> base() throws IOException {
    String text =
        Files.readString(
            Path.of("src/test/resources/fixtures/_base/launcher-1.8-v1.yaml"),
            StandardCharsets.UTF_8);
    List<HasMetadata> objects = new ArrayList<>();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String document : Pattern.compile("(?m)^---\\s*$").splitAsStream(text).toList()) {
      Object parsed = serialization.unmarshal(document);
      if (parsed instanceof KubernetesList list) {
        objects.addAll(list.getItems());
      } else if (parsed instanceof HasMetadata object) {
        objects.add(object);
      }
    }
    return objects;
  }
}
