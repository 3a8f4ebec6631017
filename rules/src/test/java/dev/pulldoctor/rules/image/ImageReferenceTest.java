package dev.pulldoctor.rules.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Normalisation as distribution/reference does it (k8s-pull-facts.md §2). */
class ImageReferenceTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "ubuntu, docker.io/library/ubuntu",
    "ubuntu:22.04, docker.io/library/ubuntu:22.04",
    "foo/bar, docker.io/foo/bar",
    "localhost/foo, localhost/foo",
    "localhost:5000/foo, localhost:5000/foo",
    // splitDockerDomain adds library/ to any one-component Docker Hub path, whichever alias
    // named the host (k8s-pull-facts.md §2.1 lists docker.io/foo unchanged, the code does not).
    "index.docker.io/foo, docker.io/library/foo",
    "index.docker.io/ubuntu, docker.io/library/ubuntu",
    "docker.io/foo, docker.io/library/foo",
    "docker.io/foo/bar, docker.io/foo/bar",
    "docker.io/ubuntu:latest, docker.io/library/ubuntu:latest",
    "example.com/foo, example.com/foo",
    "example.com/foo/bar/baz:1.0, example.com/foo/bar/baz:1.0",
    "foo.com:8080/bar, foo.com:8080/bar",
    "myregistry/app, docker.io/myregistry/app",
    "registry:5000/app, registry:5000/app",
    "Registry.Example.com/team/app:v1, Registry.Example.com/team/app:v1",
    "[::1]:5000/app:1, [::1]:5000/app:1",
    "airbyte/source-postgres:3.6.28, docker.io/airbyte/source-postgres:3.6.28",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/connectors/source-acme:1.2.0,"
        + " 123456789012.dkr.ecr.us-east-1.amazonaws.com/connectors/source-acme:1.2.0",
    "ghcr.io/acme-data/source-orders:0.3.1, ghcr.io/acme-data/source-orders:0.3.1",
    "a__b/c-d---e.f_g:TAG_1.x, docker.io/a__b/c-d---e.f_g:TAG_1.x"
  })
  void normalises(String input, String normalised) throws InvalidImageReferenceException {
    assertThat(ImageReference.parse(input).toString()).isEqualTo(normalised);
  }

  @Test
  void splits_domain_path_tag_and_digest() throws InvalidImageReferenceException {
    String digest = "sha256:" + "a".repeat(64);
    ImageReference ref = ImageReference.parse("registry.example.com:5000/team/app:1.2@" + digest);

    assertThat(ref.domain()).isEqualTo("registry.example.com:5000");
    assertThat(ref.path()).isEqualTo("team/app");
    assertThat(ref.tag()).isEqualTo("1.2");
    assertThat(ref.digest()).isEqualTo(digest);
    assertThat(ref.name()).isEqualTo("registry.example.com:5000/team/app");
    assertThat(ref.isDockerHub()).isFalse();
    assertThat(ref.apiHost()).isEqualTo("registry.example.com:5000");
  }

  @Test
  void docker_hub_short_forms() throws InvalidImageReferenceException {
    ImageReference ref = ImageReference.parse("nginx:1.25");

    assertThat(ref.isDockerHub()).isTrue();
    assertThat(ref.name()).isEqualTo("docker.io/library/nginx");
    assertThat(ref.familiar()).isEqualTo("nginx:1.25");
    assertThat(ref.apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(ImageReference.parse("acme/app").familiar()).isEqualTo("acme/app");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://registry.example.com/app:1 | invalid reference format",
        "/app | invalid reference format",
        "app:1:2 | invalid reference format",
        "app: 1 | invalid reference format",
        "registry.example.com/Team/app | repository name must be lowercase",
        "Team/App | invalid reference format",
        "app@sha256:abc | invalid reference format",
        "app@md5:0123456789abcdef0123456789abcdef | unsupported digest algorithm",
        "app@sha256:0123456789abcdef0123456789abcdef | invalid checksum digest length",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            + " | cannot specify 64-byte hexadecimal strings",
        "registry.example.com/app:-bad | invalid reference format",
        "registry.example.com/app/ | invalid reference format",
      })
  void rejects(String input, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidImageReferenceException.class)
        .hasMessageContaining(reason);
    assertThat(ImageReference.tryParse(input)).isEmpty();
  }

  @Test
  void rejects_empty_and_too_long_names_without_quoting_them() {
    String longName = "registry.example.com/" + "a".repeat(300);

    assertThatThrownBy(() -> ImageReference.parse(""))
        .hasMessage("repository name must have at least one component");
    assertThatThrownBy(() -> ImageReference.parse(longName))
        .hasMessageContaining("255")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("aaaa"));
  }

  @Test
  void hostile_input_is_rejected_quickly() {
    // Patterns that make naive backtracking regular expressions take exponential time.
    String separators = "a" + "-a".repeat(5000) + "!";
    String domains = "a.".repeat(400) + "/" + "a_".repeat(200) + "!";

    assertThat(ImageReference.tryParse(separators)).isEmpty();
    assertThat(ImageReference.tryParse(domains)).isEmpty();
    assertThat(ImageReference.tryParse("a" + "-".repeat(200) + "a")).isPresent();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "app, ALWAYS",
    "app:latest, ALWAYS",
    "app:1.0, IF_NOT_PRESENT",
    "app@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        + ", IF_NOT_PRESENT",
    "app:latest@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        + ", ALWAYS",
  })
  void default_pull_policy(String input, PullPolicy policy) throws InvalidImageReferenceException {
    assertThat(ImageReference.parse(input).defaultPullPolicy()).isEqualTo(policy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"IfNotPresent"})
  void pull_policy_names_match_kubernetes(String name) {
    assertThat(PullPolicy.IF_NOT_PRESENT.kubernetesName()).isEqualTo(name);
  }
}
