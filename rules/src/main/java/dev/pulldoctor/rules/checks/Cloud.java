package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.image.RegistryKind;
import java.util.Optional;

/** The cloud whose node identity pulls from a registry family (k8s-pull-facts.md §4). */
enum Cloud {
  AWS("EKS", "ECR", "the EKS node IAM role"),
  GCP("GKE", "Artifact Registry", "the GKE node service account"),
  AZURE("AKS", "ACR", "the AKS kubelet identity");

  private final String kubernetes;
  private final String registry;
  private final String nodeIdentity;

  Cloud(String kubernetes, String registry, String nodeIdentity) {
    this.kubernetes = kubernetes;
    this.registry = registry;
    this.nodeIdentity = nodeIdentity;
  }

  static Optional<Cloud> of(RegistryKind kind) {
    return switch (kind) {
      case ECR -> Optional.of(AWS);
      case GCR, ARTIFACT_REGISTRY -> Optional.of(GCP);
      case ACR -> Optional.of(AZURE);
      default -> Optional.empty();
    };
  }

  /** The managed Kubernetes service, e.g. {@code EKS}. */
  String kubernetes() {
    return kubernetes;
  }

  /** The registry the cloud's nodes pull from with their own identity, e.g. {@code ECR}. */
  String registry() {
    return registry;
  }

  /** What the kubelet pulls with on this cloud, e.g. {@code the EKS node IAM role}. */
  String nodeIdentity() {
    return nodeIdentity;
  }
}
