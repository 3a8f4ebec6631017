package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Cloud workload-identity annotations on the job service account are well-formed and fit the
 * image's registry; every result explains that the kubelet pulls with the node's identity.
 */
public final class CloudIdentityRule implements JobServiceAccountRule {
  static final RuleInfo INFO =
      JobServiceAccountRule.readingServiceAccounts(
          new RuleInfo(
              "serviceaccount.cloud-identity",
              "Cloud identity on the job service account is well-formed and understood",
              Severity.WARNING,
              """
              IRSA (eks.amazonaws.com/role-arn), GKE Workload Identity \
              (iam.gke.io/gcp-service-account) and Azure Workload Identity \
              (azure.workload.identity/client-id) give the containers of a pod cloud credentials. The \
              kubelet does not pull images with them: it pulls with the node's identity (the EKS node \
              IAM role, the GKE node service account, the AKS kubelet identity) through its credential \
              provider. Only a credential provider configured for service-account tokens (KEP-4412: \
              alpha in Kubernetes 1.33, beta and on by default in 1.34, and only where the node's \
              CredentialProviderConfig sets tokenAttributes) can pull as the pod; the ECR provider then \
              reads eks.amazonaws.com/ecr-role-arn. Airbyte's custom-connector guide suggests \
              annotating a service account for ECR pulls, which therefore does not work by itself. A \
              malformed value breaks the connector's own cloud access, and an identity of another \
              cloud than the image's registry cannot help pull it.\
              """,
              """
              Give the node identity pull access to the registry (node IAM role with \
              AmazonEC2ContainerRegistryReadOnly, node service account with \
              roles/artifactregistry.reader, AcrPull for the AKS kubelet identity), or use a pull \
              secret; fix malformed annotation values.\
              """,
              List.of(
                  "https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_EKS.html (EKS"
                      + " nodes pull with the node IAM role)",
                  "https://cloud.google.com/artifact-registry/docs/integrate-gke (GKE nodes pull as"
                      + " the node service account)",
                  "https://learn.microsoft.com/en-us/azure/aks/cluster-container-registry-integration"
                      + " (AcrPull for the kubelet identity)",
                  "https://github.com/kubernetes/cloud-provider-aws/blob/v1.35.0/cmd/ecr-credential-provider/main.go#L187"
                      + " (eks.amazonaws.com/ecr-role-arn)",
                  "https://docs.airbyte.com/platform/operator-guides/using-custom-connectors"
                      + " (suggests IRSA on a service account for ECR pulls)",
                  "kubernetes.io: Configure a kubelet image credential provider (KEP-4412)")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, ObjectRef subject, ServiceAccount account) {
    List<Node> nodes = NodeIdentity.jobNodes(diagnosis);
    List<IdentityAnnotation> annotations = IdentityAnnotation.of(account);
    List<Result> results = new ArrayList<>();
    for (IdentityAnnotation annotation : annotations) {
      results.add(annotated(diagnosis, subject, annotation, nodes));
    }
    if (annotations.isEmpty()) {
      results.addAll(unannotated(diagnosis, subject, nodes));
    }
    return results;
  }

  private static Result annotated(
      Diagnosis diagnosis, ObjectRef subject, IdentityAnnotation annotation, List<Node> nodes) {
    String name = subject.name();
    Optional<CloudImage> mismatch =
        cloudImages(diagnosis).stream().filter(i -> i.cloud() != annotation.cloud()).findFirst();
    Optional<CloudImage> match =
        cloudImages(diagnosis).stream().filter(i -> i.cloud() == annotation.cloud()).findFirst();
    String has =
        "ServiceAccount " + name + " has " + annotation.key() + "='" + annotation.value() + "'";
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("annotation", annotation.key());
    evidence.put("cloud", annotation.cloud().kubernetes());
    if (!annotation.wellFormed()) {
      Cloud pulling = mismatch.or(() -> match).map(CloudImage::cloud).orElse(annotation.cloud());
      ImageReference image = mismatch.or(() -> match).map(CloudImage::reference).orElse(null);
      String lookup = annotation.lookupCommand();
      return onAccount(
              Status.FAIL,
              subject,
              image,
              has
                  + "; that value "
                  + annotation.problem()
                  + ". The annotation must hold "
                  + annotation.expectedForm()
                  + ". Connectors that rely on this identity for their own cloud access (an S3 or"
                  + " BigQuery destination, say) get no credentials. "
                  + NodeIdentity.explanation(pulling, nodes))
          .withFix(fixAnnotation(subject, annotation, lookup, pulling, image, nodes))
          .withEvidence(evidence);
    }
    if (mismatch.isPresent()) {
      CloudImage other = mismatch.get();
      return onAccount(
              Status.WARN,
              subject,
              other.reference(),
              has
                  + (annotation.cloud() == Cloud.GCP ? ", a " : ", an ")
                  + annotation.cloud().kubernetes()
                  + " identity, but "
                  + other.reference()
                  + " is in "
                  + other.cloud().registry()
                  + " ("
                  + other.cloud().kubernetes()
                  + "'s registry): that identity cannot help pull it. "
                  + NodeIdentity.explanation(other.cloud(), nodes))
          .withFix(nodeIdentity(other.cloud(), other.reference(), nodes))
          .withEvidence(evidence)
          .withRegistry(other.cloud().registry());
    }
    ImageReference image = match.map(CloudImage::reference).orElse(null);
    boolean tokenKey = annotation.key().equals(IdentityAnnotation.ECR_ROLE);
    String relation =
        match.isPresent()
            ? "; it fits the registry of "
                + image
                + (tokenKey
                    ? "; the kubelet pulls with it only where the nodes' ECR credential provider"
                        + " is configured for service-account tokens. "
                    : ", but that does not make the kubelet pull with it. ")
            : cloudImages(diagnosis).isEmpty() && !diagnosis.images().isEmpty()
                ? "; it plays no part in pulling "
                    + String.join(
                        ", ", diagnosis.images().stream().map(TargetImage::effective).toList())
                    + ", which is not in a cloud registry (pull secrets do that). "
                : " (no connector image in a cloud registry was found to compare it with). ";
    String tokenNote =
        tokenKey
            ? " Check that the nodes' CredentialProviderConfig sets tokenAttributes for"
                + " ecr-credential-provider; without it the node role below pulls."
            : "";
    return onAccount(
            Status.PASS,
            subject,
            image,
            has
                + ", which is well-formed"
                + relation
                + NodeIdentity.explanation(annotation.cloud(), nodes)
                + tokenNote)
        .withFix(nodeIdentity(annotation.cloud(), image, nodes))
        .withEvidence(evidence);
  }

  /** A result about the annotated account, for the image its identity was weighed against. */
  private static Result onAccount(
      Status status, ObjectRef subject, @Nullable ImageReference image, String message) {
    return Result.of(INFO, status, subject, image == null ? null : image.toString(), message);
  }

  private static Fix fixAnnotation(
      ObjectRef subject,
      IdentityAnnotation annotation,
      @Nullable String lookup,
      Cloud pulling,
      @Nullable ImageReference image,
      List<Node> nodes) {
    List<Step> steps = new ArrayList<>();
    if (lookup != null) {
      steps.add(new Step.Manual("Find the right value:", lookup));
    }
    steps.add(
        new Step.Manual(
            "",
            "kubectl annotate serviceaccount "
                + Fixes.shellWord(subject.name())
                + " -n "
                + Fixes.shellWord(subject.namespace() == null ? "" : subject.namespace())
                + " --overwrite "
                + Fixes.shellWord(
                    annotation.key() + "=<" + placeholder(annotation.cloud()) + ">")));
    return Fix.of(
            "Fix the annotation (and the chart's serviceAccount.annotations, so upgrades keep"
                + " it):",
            steps)
        .or(nodeIdentity(pulling, image, nodes));
  }

  /** Checking, and granting, the node identity the kubelet pulls with. */
  private static Fix nodeIdentity(Cloud cloud, @Nullable ImageReference image, List<Node> nodes) {
    return Fix.of(
        "For image pulls, check the node identity the kubelet pulls with:",
        NodeIdentity.checkSteps(cloud, image, nodes));
  }

  private static List<Result> unannotated(
      Diagnosis diagnosis, ObjectRef subject, List<Node> nodes) {
    String misplaced = annotatedElsewhere(diagnosis, subject);
    List<CloudImage> images = cloudImages(diagnosis);
    if (images.isEmpty()) {
      return List.of(
          Result.about(
              INFO,
              Status.SKIP,
              subject,
              "ServiceAccount "
                  + subject.name()
                  + " has no cloud identity annotation and no connector image is in a cloud"
                  + " registry (ECR, Artifact Registry, ACR)."
                  + misplaced));
    }
    List<Result> results = new ArrayList<>();
    List<Cloud> seen = new ArrayList<>();
    for (CloudImage image : images) {
      if (seen.contains(image.cloud())) {
        continue;
      }
      seen.add(image.cloud());
      results.add(
          Result.of(
                  INFO,
                  Status.PASS,
                  subject,
                  image.reference().toString(),
                  "ServiceAccount "
                      + subject.name()
                      + " has no cloud identity annotation, and pulling "
                      + image.reference()
                      + " from "
                      + image.cloud().registry()
                      + " does not need one. "
                      + NodeIdentity.explanation(image.cloud(), nodes)
                      + misplaced)
              .withFix(nodeIdentity(image.cloud(), image.reference(), nodes))
              .withRegistry(image.cloud().registry()));
    }
    return results;
  }

  /**
   * Other service accounts in the job namespace that carry an identity: Airbyte's guide says to
   * annotate airbyte-worker, which job pods do not run as.
   */
  private static String annotatedElsewhere(Diagnosis diagnosis, ObjectRef subject) {
    List<String> others =
        Snapshot.inNamespace(
                diagnosis.snapshot().serviceAccounts(),
                subject.namespace() == null ? "" : subject.namespace())
            .stream()
            .filter(sa -> !sa.getMetadata().getName().equals(subject.name()))
            .filter(sa -> !IdentityAnnotation.of(sa).isEmpty())
            .map(sa -> sa.getMetadata().getName())
            .toList();
    if (others.isEmpty()) {
      return "";
    }
    return " ServiceAccount "
        + String.join(", ", others)
        + " carries a cloud identity annotation, but job pods run as "
        + subject.name()
        + ", so connectors do not get that identity either.";
  }

  private static String placeholder(Cloud cloud) {
    return switch (cloud) {
      case AWS -> "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME";
      case GCP -> "GSA_NAME@PROJECT_ID.iam.gserviceaccount.com";
      case AZURE -> "client-id";
    };
  }

  private static List<CloudImage> cloudImages(Diagnosis diagnosis) {
    List<CloudImage> images = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> ref = image.reference();
      if (ref.isEmpty()) {
        continue;
      }
      Cloud.of(RegistryHosts.kind(ref.get().domain()))
          .ifPresent(cloud -> images.add(new CloudImage(ref.get(), cloud)));
    }
    return images;
  }

  private record CloudImage(ImageReference reference, Cloud cloud) {}
}
