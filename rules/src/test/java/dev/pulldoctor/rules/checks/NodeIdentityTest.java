package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Node-identity explanations and commands with names from nodes and images. */
class NodeIdentityTest {

  private static Node node(String kubelet) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("n1")
        .endMetadata()
        .withNewStatus()
        .withNewNodeInfo()
        .withKubeletVersion(kubelet)
        .endNodeInfo()
        .endStatus()
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "v1.32.9 | older than 1.33, so that cannot apply here",
        "v1.33.1 | alpha and off by default in 1.33",
        "v1.35.0 | the feature is on by default there",
      })
  void kubelet_versions_decide_whether_pod_tokens_can_apply(String version, String text) {
    assertThat(NodeIdentity.explanation(Cloud.AWS, List.of(node(version)))).contains(text);
  }

  @Test
  void without_node_versions_nothing_is_claimed_about_them() {
    assertThat(NodeIdentity.explanation(Cloud.AZURE, List.of(node("unknown"))))
        .doesNotContain("The nodes run");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "amazonaws.com, us-east-1, aws",
    "amazonaws.com.cn, cn-north-1, aws-cn",
    "amazonaws.com, us-gov-west-1, aws-us-gov",
  })
  void managed_policy_arns_use_the_registry_partition(
      String suffix, String region, String partition) {
    assertThat(NodeIdentity.awsPartition(suffix, region)).isEqualTo(partition);
  }

  @Test
  void china_ecr_images_get_the_china_policy_arn() {
    ImageReference image =
        ImageReference.tryParse("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/src:1")
            .orElseThrow();

    assertThat(commands(Cloud.AWS, image, List.of()))
        .contains("arn:aws-cn:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")
        .contains("--region cn-north-1 --repository-name team/src");
    assertThat(NodeIdentity.ecrRegion("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"))
        .contains("cn-north-1");
    assertThat(NodeIdentity.ecrRegion("registry.example.com")).isEmpty();
  }

  @Test
  void gcr_images_are_granted_on_their_project() {
    ImageReference image = ImageReference.tryParse("gcr.io/acme-prod/source-x:1").orElseThrow();

    assertThat(commands(Cloud.GCP, image, List.of()))
        .contains(
            "gcloud projects add-iam-policy-binding acme-prod --member"
                + " 'serviceAccount:<node-service-account>' --role roles/artifactregistry.reader");
  }

  @Test
  void without_an_image_the_commands_keep_placeholders() {
    assertThat(commands(Cloud.AZURE, null, List.of())).contains("--acr '<registry>.azurecr.io'");
    assertThat(commands(Cloud.GCP, null, List.of()))
        .contains("gcloud projects add-iam-policy-binding '<project>'");
  }

  /** The steps' commands, one per line, as a user copies them. */
  private static String commands(Cloud cloud, @Nullable ImageReference image, List<Node> nodes) {
    return NodeIdentity.checkSteps(cloud, image, nodes).stream()
        .map(s -> ((Step.Manual) s).command())
        .map(String::valueOf)
        .reduce("", (a, b) -> a + b + "\n");
  }
}
