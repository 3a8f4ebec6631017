package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Explains that the kubelet pulls with the node's cloud identity, not the pod's, and gives the
 * commands that check that identity's pull access, with names from the nodes and the image filled
 * in (k8s-pull-facts.md §4, airbyte-domain.md §5).
 */
final class NodeIdentity {
  /** KEP-4412 service-account tokens for credential providers: alpha in 1.33, beta in 1.34. */
  static final int SA_TOKEN_ALPHA_MINOR = 33;

  static final int SA_TOKEN_BETA_MINOR = 34;

  private static final Pattern KUBELET_VERSION = Pattern.compile("^v?1\\.(\\d+)\\..*");
  private static final Pattern AWS_PROVIDER_ID =
      Pattern.compile("^aws:///([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d)[^/]*/(i-[0-9a-f]+)$");
  private static final Pattern GCE_PROVIDER_ID = Pattern.compile("^gce://([^/]+)/([^/]+)/([^/]+)$");
  private static final Pattern ECR_HOST =
      Pattern.compile("^(\\d{12})\\.dkr[.-]ecr(?:-fips)?\\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\\.(.+)$");
  private static final Pattern AR_HOST = Pattern.compile("^([a-z0-9-]+)-docker\\.pkg\\.dev$");
  private static final Pattern SLASH = Pattern.compile("/");
  private static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
  private static final String GKE_POOL_LABEL = "cloud.google.com/gke-nodepool";

  private NodeIdentity() {}

  /** Nodes that ran job pods, when any did; else every node (connector pods may land anywhere). */
  static List<Node> jobNodes(Diagnosis diagnosis) {
    Set<String> used =
        ImageInventory.jobPods(diagnosis.snapshot(), diagnosis.install().jobNamespace()).stream()
            .map(Pod::getSpec)
            .filter(Objects::nonNull)
            .map(s -> s.getNodeName())
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    List<Node> all = diagnosis.snapshot().nodes();
    List<Node> ran = all.stream().filter(n -> used.contains(n.getMetadata().getName())).toList();
    return ran.isEmpty() ? all : ran;
  }

  /**
   * Why a pod's cloud identity does not authenticate the kubelet's pulls, and whether the nodes'
   * Kubernetes version could change that.
   */
  static String explanation(Cloud cloud, List<Node> nodes) {
    String text =
        switch (cloud) {
          case AWS ->
              "The kubelet pulls from ECR with the EKS node IAM role (its ecr-credential-provider"
                  + " asks the instance metadata service), not with the pod's service account; an"
                  + " IRSA role (eks.amazonaws.com/role-arn) never takes part in image pulls. Only"
                  + " an ECR credential provider configured for service-account tokens (Kubernetes"
                  + " 1.33 and later, KEP-4412) pulls as the pod, and it reads the role from"
                  + " eks.amazonaws.com/ecr-role-arn.";
          case GCP ->
              "The kubelet pulls from Artifact Registry and gcr.io with the GKE node service"
                  + " account (auth-provider-gcp on the node), not with the pod's Workload Identity"
                  + " (iam.gke.io/gcp-service-account). Only a credential provider configured for"
                  + " service-account tokens (Kubernetes 1.33 and later, KEP-4412) could pull as"
                  + " the pod, and GKE's auth-provider-gcp is not known to support that.";
          case AZURE ->
              "The kubelet pulls from ACR with the AKS kubelet identity (the <cluster>-agentpool"
                  + " managed identity), not with the pod's workload identity"
                  + " (azure.workload.identity/client-id), unless the nodes run a credential"
                  + " provider configured for service-account tokens (Kubernetes 1.33 and later,"
                  + " KEP-4412).";
        };
    return text + versionNote(nodes);
  }

  private static String versionNote(List<Node> nodes) {
    List<String> versions =
        nodes.stream()
            .map(NodeIdentity::kubeletVersion)
            .filter(Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    if (versions.isEmpty()) {
      return "";
    }
    int newest = versions.stream().mapToInt(NodeIdentity::minor).max().orElse(0);
    String shown = String.join(", ", versions.stream().limit(3).toList());
    if (newest < SA_TOKEN_ALPHA_MINOR) {
      return " The nodes run kubelet " + shown + ", older than 1.33, so that cannot apply here.";
    }
    String gate =
        newest < SA_TOKEN_BETA_MINOR
            ? "the feature gate KubeletServiceAccountTokenForCredentialProviders is alpha and off"
                + " by default in 1.33, and"
            : "the feature is on by default there, but";
    return " The nodes run kubelet "
        + shown
        + ": "
        + gate
        + " it only takes effect where the node's CredentialProviderConfig sets tokenAttributes"
        + " for the registry's provider.";
  }

  private static @Nullable String kubeletVersion(Node node) {
    if (node.getStatus() == null || node.getStatus().getNodeInfo() == null) {
      return null;
    }
    String version = node.getStatus().getNodeInfo().getKubeletVersion();
    return version == null || !KUBELET_VERSION.matcher(version).matches() ? null : version;
  }

  private static int minor(String version) {
    Matcher m = KUBELET_VERSION.matcher(version);
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Steps that show whether the node identity may pull {@code image}, and grant it if not. */
  static List<Step> checkSteps(Cloud cloud, @Nullable ImageReference image, List<Node> nodes) {
    return switch (cloud) {
      case AWS -> awsSteps(image, nodes);
      case GCP -> gcpSteps(image, nodes);
      case AZURE -> azureSteps(image);
    };
  }

  private static List<Step> awsSteps(@Nullable ImageReference image, List<Node> nodes) {
    Matcher ecr = ECR_HOST.matcher(image == null ? "" : hostOf(image));
    boolean isEcr = ecr.matches();
    String region = isEcr ? ecr.group(2) : null;
    String partition = awsPartition(isEcr ? ecr.group(3) : "", region);
    List<Step> steps = new ArrayList<>();
    Optional<Matcher> instance = providerId(nodes, AWS_PROVIDER_ID);
    Optional<String> nodegroup = label(nodes, NODEGROUP_LABEL);
    if (instance.isPresent()) {
      steps.add(
          new Step.Manual(
              "Find the node's instance profile:",
              "aws ec2 describe-instances --region "
                  + arg(instance.get().group(1))
                  + " --instance-ids "
                  + arg(instance.get().group(2))
                  + " --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn' --output"
                  + " text"));
      steps.add(
          new Step.Manual(
              "then its IAM role (the profile name is the ARN's last part):",
              "aws iam get-instance-profile --instance-profile-name '<profile-name>'"
                  + " --query 'InstanceProfile.Roles[0].RoleName' --output text"));
    } else {
      steps.add(
          new Step.Manual(
              "Find the node IAM role:",
              "aws eks describe-nodegroup --cluster-name '<cluster>' --nodegroup-name "
                  + arg(nodegroup.orElse("<nodegroup>"))
                  + " --query nodegroup.nodeRole --output text"));
    }
    steps.add(
        new Step.Manual(
            "Check its policies (look for AmazonEC2ContainerRegistryReadOnly or"
                + " AmazonEC2ContainerRegistryPullOnly):",
            "aws iam list-attached-role-policies --role-name '<node-role>'"));
    steps.add(
        new Step.Manual(
            "Grant pull access if missing:",
            "aws iam attach-role-policy --role-name '<node-role>' --policy-arn arn:"
                + partition
                + ":iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"));
    if (isEcr && image != null) {
      steps.add(
          new Step.Manual(
              "For a pull across accounts, the repository policy must also allow the node role:",
              "aws ecr get-repository-policy --registry-id "
                  + ecr.group(1)
                  + " --region "
                  + arg(ecr.group(2))
                  + " --repository-name "
                  + arg(image.path())));
    }
    return steps;
  }

  /** The region of a private ECR host, e.g. {@code us-east-1}. */
  static Optional<String> ecrRegion(String host) {
    Matcher m = ECR_HOST.matcher(host.toLowerCase(Locale.ROOT));
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
  }

  /** The partition of an ECR host suffix or region, for ARNs of AWS managed policies. */
  static String awsPartition(String hostSuffix, @Nullable String region) {
    if (hostSuffix.endsWith(".cn") || (region != null && region.startsWith("cn-"))) {
      return "aws-cn";
    }
    if (region != null && region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }

  private static List<Step> gcpSteps(@Nullable ImageReference image, List<Node> nodes) {
    List<Step> steps = new ArrayList<>();
    Optional<Matcher> instance = providerId(nodes, GCE_PROVIDER_ID);
    String meaning =
        " ('default' means PROJECT_NUMBER-compute@developer.gserviceaccount.com; the scopes must"
            + " include devstorage.read_only or cloud-platform):";
    if (instance.isPresent()) {
      steps.add(
          new Step.Manual(
              "Find the node service account and its scopes" + meaning,
              "gcloud compute instances describe "
                  + arg(instance.get().group(3))
                  + " --zone "
                  + arg(instance.get().group(2))
                  + " --project "
                  + arg(instance.get().group(1))
                  + " --format='value(serviceAccounts[0].email,serviceAccounts[0].scopes)'"));
    } else {
      steps.add(
          new Step.Manual(
              "Find the node service account" + meaning,
              "gcloud container node-pools describe "
                  + arg(label(nodes, GKE_POOL_LABEL).orElse("<node-pool>"))
                  + " --cluster '<cluster>' --location '<location>'"
                  + " --format='value(config.serviceAccount)'"));
    }
    String project = "<project>";
    String grant;
    Matcher ar = AR_HOST.matcher(image == null ? "" : hostOf(image));
    List<String> segments = image == null ? List.of() : List.of(SLASH.split(image.path(), -1));
    if (ar.matches() && segments.size() >= 3) {
      project = segments.get(0);
      grant =
          "gcloud artifacts repositories add-iam-policy-binding "
              + arg(segments.get(1))
              + " --project "
              + arg(project)
              + " --location "
              + arg(ar.group(1))
              + " --member 'serviceAccount:<node-service-account>'"
              + " --role roles/artifactregistry.reader";
    } else {
      if (image != null && segments.size() >= 2) {
        project = segments.get(0);
      }
      grant =
          "gcloud projects add-iam-policy-binding "
              + arg(project)
              + " --member 'serviceAccount:<node-service-account>'"
              + " --role roles/artifactregistry.reader";
    }
    steps.add(
        new Step.Manual(
            "Check its roles (look for roles/artifactregistry.reader, here or on the"
                + " repository):",
            "gcloud projects get-iam-policy "
                + arg(project)
                + " --flatten='bindings[].members'"
                + " --filter='bindings.members:serviceAccount:<node-service-account>'"
                + " --format='value(bindings.role)'"));
    steps.add(new Step.Manual("Grant pull access if missing:", grant));
    return steps;
  }

  private static List<Step> azureSteps(@Nullable ImageReference image) {
    String host = image == null ? "<registry>.azurecr.io" : hostOf(image);
    String registry = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
    return List.of(
        new Step.Manual(
            "Check that the kubelet identity may pull:",
            "az aks check-acr --name '<cluster>' --resource-group '<resource-group>' --acr "
                + arg(host)),
        new Step.Manual(
            "Grant AcrPull to it if not (registries with ABAC repository permissions need the"
                + " role Container Registry Repository Reader instead):",
            "az aks update --name '<cluster>' --resource-group '<resource-group>' --attach-acr "
                + arg(registry)));
  }

  /**
   * A value from the cluster, quoted for the shell; a placeholder such as {@code <cluster>} is
   * quoted too, so a command run before it is replaced fails on the value, not as a redirection.
   */
  private static String arg(String value) {
    return Fixes.shellWord(value);
  }

  private static String hostOf(ImageReference image) {
    return image.domain().toLowerCase(Locale.ROOT);
  }

  /** The first node's {@code spec.providerID} that {@code pattern} matches, as matched. */
  private static Optional<Matcher> providerId(List<Node> nodes, Pattern pattern) {
    return nodes.stream()
        .map(n -> n.getSpec() == null ? null : n.getSpec().getProviderID())
        .filter(Objects::nonNull)
        .map(pattern::matcher)
        .filter(Matcher::matches)
        .findFirst();
  }

  private static Optional<String> label(List<Node> nodes, String key) {
    return nodes.stream()
        .map(n -> n.getMetadata().getLabels())
        .filter(Objects::nonNull)
        .map((Map<String, String> labels) -> labels.get(key))
        .filter(Objects::nonNull)
        .findFirst();
  }
}
