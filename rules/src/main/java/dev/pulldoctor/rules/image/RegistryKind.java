package dev.pulldoctor.rules.image;

/** Registry families whose authentication or hosting differs in ways the rules explain. */
public enum RegistryKind {
  DOCKER_HUB,
  ECR,
  ECR_PUBLIC,
  /** Google Container Registry ({@code gcr.io}), shut down in favour of Artifact Registry. */
  GCR,
  ARTIFACT_REGISTRY,
  ACR,
  GHCR,
  QUAY,
  /** A registry on the node's loopback ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}). */
  LOCAL,
  OTHER
}
