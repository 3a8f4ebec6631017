package dev.pulldoctor.rules.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Registry families by host, per the cloud credential providers (k8s-pull-facts.md §4). */
class RegistryHostsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "docker.io, DOCKER_HUB",
    "registry-1.docker.io, DOCKER_HUB",
    "hub.docker.com, DOCKER_HUB",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com, ECR",
    "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com, ECR",
    "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn, ECR",
    "123456789012.dkr-ecr.eu-west-1.on.aws, ECR",
    "12345.dkr.ecr.us-east-1.amazonaws.com, OTHER",
    "public.ecr.aws, ECR_PUBLIC",
    "gcr.io, GCR",
    "eu.gcr.io, GCR",
    "europe-west2-docker.pkg.dev, ARTIFACT_REGISTRY",
    "acme.azurecr.io, ACR",
    "acme.azurecr.cn, ACR",
    "ghcr.io, GHCR",
    "quay.io, QUAY",
    "localhost:5000, LOCAL",
    "127.0.0.1:5001, LOCAL",
    "registry.example.com:5000, OTHER",
    "kind-registry:5000, OTHER",
  })
  void kind_of_host(String domain, RegistryKind kind) {
    assertThat(RegistryHosts.kind(domain)).isEqualTo(kind);
  }

  @Test
  void cloud_registries_are_those_nodes_reach_with_their_own_identity() {
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.ECR)).isTrue();
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.ARTIFACT_REGISTRY)).isTrue();
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.ACR)).isTrue();
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.ECR_PUBLIC)).isFalse();
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.GHCR)).isFalse();
    assertThat(RegistryHosts.isCloudRegistry(RegistryKind.DOCKER_HUB)).isFalse();
  }

  @Test
  void docker_hub_aliases_ignore_case() {
    assertThat(RegistryHosts.isDockerHubAlias("Registry-1.Docker.io")).isTrue();
    assertThat(RegistryHosts.isDockerHubAlias("docker.example.com")).isFalse();
  }
}
