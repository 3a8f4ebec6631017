package dev.pulldoctor.rules.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulldoctor.rules.image.InvalidImageReferenceException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Normalisation as distribution/reference v0.6.0 does it. Its own test cases run in {@code
 * ReferenceConformanceTest}; these are pulldoctor's.
 */
class ImageReferenceTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "ubuntu, docker.io/library/ubuntu",
    "ubuntu:22.04, docker.io/library/ubuntu:22.04",
    "foo/bar, docker.io/foo/bar",
    "localhost/foo, localhost/foo",
    "localhost:5000/foo, localhost:5000/foo",
    // splitDockerDomain adds library/ to any one-component Docker Hub path, whichever alias
    // named the host.
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

    // ParseNormalizedNamed makes "" into docker.io/library/, which the grammar rejects; only
    // Parse itself answers ErrNameEmpty.
    assertThatThrownBy(() -> ImageReference.parse(""))
        .hasMessage("invalid reference format")
        .extracting(e -> ((InvalidImageReferenceException) e).reason())
        .isEqualTo(Reason.INVALID_FORMAT);
    assertThatThrownBy(() -> ImageReference.parseWithoutNormalising(""))
        .hasMessage("repository name must have at least one component");
    assertThatThrownBy(() -> ImageReference.parse(longName))
        .hasMessageContaining("255")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("aaaa"));
    assertThatThrownBy(() -> ImageReference.parseWithoutNormalising("a".repeat(1025)))
        .hasMessageContaining("255");
  }

  @Test
  void name_length_limit_counts_the_path_not_the_domain() throws InvalidImageReferenceException {
    // Issue item (a): RepositoryNameTotalLengthMax applies to the path alone.
    String domain = "registry.example.com/";
    ImageReference longest = ImageReference.parse(domain + "a".repeat(255) + ":tag");

    assertThat(longest.path()).hasSize(255);
    assertThat(longest.name()).hasSize(domain.length() + 255);
    assertThat(ImageReference.tryParse(domain + "a".repeat(256))).isEmpty();
    // On Docker Hub the path includes the library/ prefix ParseNormalizedNamed adds.
    assertThat(ImageReference.parse("a".repeat(247)).path()).hasSize(255);
    assertThatThrownBy(() -> ImageReference.parse("a".repeat(248)))
        .extracting(e -> ((InvalidImageReferenceException) e).reason())
        .isEqualTo(Reason.NAME_TOO_LONG);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "docker.io/library/foo/bar, library/foo/bar",
    "library/foo/bar:1.0, library/foo/bar:1.0",
    "docker.io/library/foo, foo",
    "library/foo:1.0, foo:1.0",
    "docker.io/other/library, other/library",
    "example.com/library/foo, example.com/library/foo",
  })
  void familiar_form_keeps_library_in_nested_paths(String input, String familiar)
      throws InvalidImageReferenceException {
    // Issue item (b): only library/<one component> is an official image.
    assertThat(ImageReference.parse(input).familiar()).isEqualTo(familiar);
  }

  @Test
  void a_first_component_that_is_no_valid_host_stays_in_the_path()
      throws InvalidImageReferenceException {
    // Issue item (c): splitDockerDomain takes a_b.c for a host (it has a '.'), but the grammar
    // has no '_' in host names, so Parse matches the whole name as a path without a domain.
    ImageReference ref = ImageReference.parse("my_registry.example.com/team/app:1.0");

    assertThat(ref.domain()).isEmpty();
    assertThat(ref.path()).isEqualTo("my_registry.example.com/team/app");
    assertThat(ref.name()).isEqualTo("my_registry.example.com/team/app");
    assertThat(ref.toString()).isEqualTo("my_registry.example.com/team/app:1.0");
    assertThat(ref.familiar()).isEqualTo("my_registry.example.com/team/app:1.0");
    assertThat(ref.isDockerHub()).isFalse();
    assertThat(ref.apiHost()).isEqualTo("my_registry.example.com");
    assertThat(ImageReference.parse("a_b.c/d").path()).isEqualTo("a_b.c/d");
    // Without a '.' the component is no host candidate: a Docker Hub namespace.
    assertThat(ImageReference.parse("a_b/d").name()).isEqualTo("docker.io/a_b/d");
    // With a port it is a host candidate that matches neither host nor path.
    assertThat(ImageReference.tryParse("a_b.c:5000/d")).isEmpty();
  }

  @Test
  void an_uppercase_first_component_that_is_no_valid_host_fails_as_uppercase() {
    // splitDockerDomain takes it for a host, the grammar does not match, and Parse reports the
    // uppercase letters because the lowercased reference would match.
    assertThatThrownBy(() -> ImageReference.parse("My_Registry/app"))
        .hasMessage("repository name must be lowercase")
        .extracting(e -> ((InvalidImageReferenceException) e).reason())
        .isEqualTo(Reason.NAME_CONTAINS_UPPERCASE);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    // go-digest knows only lowercase algorithm names, and its grammar allows no uppercase.
    "SHA256, DIGEST_INVALID_FORMAT",
    "Foo, DIGEST_INVALID_FORMAT",
    "foo, DIGEST_UNSUPPORTED",
    "foo+bar, DIGEST_UNSUPPORTED",
  })
  void digest_algorithms_go_digest_does_not_know(String algorithm, Reason reason) {
    // With a tag: without one, ParseNormalizedNamed's lowercase check reads up to the digest's
    // ':' and so rejects an uppercase algorithm as an uppercase repository name.
    String reference = "app:1@" + algorithm + ":" + "a".repeat(64);

    assertThatThrownBy(() -> ImageReference.parse(reference))
        .extracting(e -> ((InvalidImageReferenceException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void an_uppercase_digest_algorithm_without_a_tag_is_an_uppercase_name() {
    assertThatThrownBy(() -> ImageReference.parse("app@SHA256:" + "a".repeat(64)))
        .hasMessage("invalid reference format: repository name must be lowercase");
  }

  @Test
  void digests_must_be_lowercase_hex_of_the_algorithms_length() {
    assertThatThrownBy(() -> ImageReference.parse("app@sha256:" + "A".repeat(64)))
        .hasMessage("invalid checksum digest format");
    assertThatThrownBy(() -> ImageReference.parse("app@sha384:" + "a".repeat(64)))
        .hasMessage("invalid checksum digest length");
    assertThat(ImageReference.tryParse("app@sha384:" + "a".repeat(96))).isPresent();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "busybox, docker.io/library/busybox:latest",
    "busybox:1.36, docker.io/library/busybox:1.36",
    "busybox@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        + ", docker.io/library/busybox@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "busybox:1.36@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        + ", docker.io/library/busybox@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void docker_reference_is_tagged_or_digested(String input, String pulled)
      throws InvalidImageReferenceException {
    assertThat(ImageReference.parse(input).dockerReference().toString()).isEqualTo(pulled);
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
