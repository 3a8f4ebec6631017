package dev.pulldoctor.rules.image;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises registry hosts. Host patterns come from the cloud credential providers' {@code
 * matchImages} lists (k8s-pull-facts.md §4).
 */
public final class RegistryHosts {
  /** The ECR credential provider's private-registry pattern ({@code cloud-provider-aws}). */
  private static final Pattern ECR =
      Pattern.compile(
          "^(\\d{12})\\.dkr[.-]ecr(-fips)?\\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\\."
              + "(amazonaws\\.(?:com(?:\\.cn)?|eu)|on\\.(?:aws|amazonwebservices\\.com\\.cn)"
              + "|sc2s\\.sgov\\.gov|c2s\\.ic\\.gov|cloud\\.adc-e\\.uk|csp\\.hci\\.ic\\.gov)$");

  private static final Pattern ACR = Pattern.compile("^[^/]+\\.azurecr\\.(io|cn|de|us)$");

  /**
   * Names people write for Docker Hub. Only {@code docker.io} and {@code index.docker.io} match
   * Docker Hub images in the kubelet's keyring (k8s-pull-facts.md §1.6).
   */
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of(
          "docker.io",
          "index.docker.io",
          "registry-1.docker.io",
          "registry.hub.docker.com",
          "hub.docker.com",
          "registry.docker.io");

  private RegistryHosts() {}

  /** True for any host name people use for Docker Hub, whether or not the kubelet accepts it. */
  public static boolean isDockerHubAlias(String host) {
    return DOCKER_HUB_ALIASES.contains(host.toLowerCase(Locale.ROOT));
  }

  /** The family of a registry host, as found in an image reference's domain (may have a port). */
  public static RegistryKind kind(String domain) {
    String host = withoutPort(domain).toLowerCase(Locale.ROOT);
    if (isDockerHubAlias(host)) {
      return RegistryKind.DOCKER_HUB;
    }
    if (ECR.matcher(host).matches()) {
      return RegistryKind.ECR;
    }
    if (host.equals("public.ecr.aws") || host.equals("ecr-public.aws.com")) {
      return RegistryKind.ECR_PUBLIC;
    }
    if (host.equals("gcr.io") || host.endsWith(".gcr.io")) {
      return RegistryKind.GCR;
    }
    if (host.endsWith("-docker.pkg.dev") || host.equals("docker.pkg.dev")) {
      return RegistryKind.ARTIFACT_REGISTRY;
    }
    if (ACR.matcher(host).matches()) {
      return RegistryKind.ACR;
    }
    if (host.equals("ghcr.io")) {
      return RegistryKind.GHCR;
    }
    if (host.equals("quay.io")) {
      return RegistryKind.QUAY;
    }
    if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")) {
      return RegistryKind.LOCAL;
    }
    return RegistryKind.OTHER;
  }

  /**
   * Registries that nodes usually reach with their cloud identity (EKS node role, GKE node service
   * account, AKS kubelet identity) through a kubelet credential provider, without pull secrets.
   */
  public static boolean isCloudRegistry(RegistryKind kind) {
    return switch (kind) {
      case ECR, GCR, ARTIFACT_REGISTRY, ACR -> true;
      default -> false;
    };
  }

  static String withoutPort(String domain) {
    if (domain.startsWith("[")) {
      int end = domain.indexOf(']');
      return end < 0 ? domain : domain.substring(0, end + 1);
    }
    int colon = domain.lastIndexOf(':');
    return colon < 0 ? domain : domain.substring(0, colon);
  }
}
