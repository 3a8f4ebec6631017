package dev.pulldoctor.rules.pullsecret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Entry;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Match;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.MissReason;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.NearMiss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Examples from k8s-pull-facts.md §1.4 to §1.8, mostly kubernetes/kubernetes keyring_test.go. */
class KubeletKeyringTest {

  private static KubeletKeyring keyring(String... keys) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      entries.add(new Entry("secret-" + i, keys[i]));
    }
    return KubeletKeyring.of(entries);
  }

  private static List<String> secrets(List<Match> matches) {
    return matches.stream().map(Match::secretName).toList();
  }

  private static NearMiss onlyMiss(String key, String image) {
    List<NearMiss> misses = keyring(key).nearMisses(image);
    assertThat(misses).hasSize(1);
    return misses.get(0);
  }

  // §1.8 rows 1-18: TestURLsMatch
  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource({
    "*.kubernetes.io, prefix.kubernetes.io, true",
    "prefix.*.io, prefix.kubernetes.io, true",
    "prefix.kubernetes.*, prefix.kubernetes.io, true",
    "*-good.kubernetes.io, prefix-good.kubernetes.io, true",
    "*.kubernetes.io/blah, prefix.kubernetes.io/blah, true",
    "prefix.*.io/foo, prefix.kubernetes.io/foo/bar, true",
    "*.kubernetes.io:1111/blah, prefix.kubernetes.io:1111/blah, true",
    "prefix.*.io:1111/foo, prefix.kubernetes.io:1111/foo/bar, true",
    "*.kubernetes.io, kubernetes.io, false",
    "*.*.kubernetes.io, prefix.kubernetes.io, false",
    "*.*.kubernetes.io, kubernetes.io, false",
    "kubernetes.io, kubernetes.com, false",
    "k*.io, quay.io, false",
    "*.kubernetes.io:1234/blah, prefix.kubernetes.io:1111/blah, false",
    "prefix.*.io/foo, prefix.kubernetes.io:1111/foo/bar, false",
    "*kubernetes.io, kubernetes.io, true",
    "*kubernetes.io, a.kubernetes.io, false",
    "*.*.*.kubernetes.io, a.b.c.kubernetes.io, true",
  })
  void urlsMatchUpstream(String glob, String target, boolean expected) {
    assertThat(KubeletKeyring.urlsMatch(glob, target)).isEqualTo(expected);
  }

  // §1.8 rows 19-37 and the derived table: keyring lookups with a single key
  @ParameterizedTest(name = "{0} for {1} -> {2}")
  @CsvSource({
    // TestDockerKeyringForGlob
    "https://hello.kubernetes.io, hello.kubernetes.io/foo/bar, true",
    "https://*.docker.io, prefix.docker.io/foo/bar, true",
    "https://prefix.*.io/path, prefix.docker.io/path/subpath/foo/bar, true",
    "https://*.docker.io:8888, prefix.docker.io:8888/foo/bar, true",
    "https://*.docker.io/v1/, prefix.docker.io/path:1111/foo/bar, true",
    "https://*.docker.io/v2/, prefix.docker.io/path:1111/foo/bar, true",
    "prefix.docker.io:1111, prefix.docker.io:1111/path/foo/bar, true",
    "*.docker.io:1111, prefix.docker.io:1111/path/foo/bar, true",
    // TestKeyringMiss
    "https://hello.kubernetes.io, world.mesos.org/foo/bar, false",
    "https://*.docker.com, prefix.docker.io/foo/bar, false",
    "https://suffix.*.io, prefix.docker.io/foo/bar, false",
    "https://prefix.docker.c*, prefix.docker.io/foo/bar, false",
    "https://prefix.*.io/path:1111, prefix.docker.io/path/subpath:1111/foo/bar, false",
    "suffix.*.io, prefix.docker.io/foo/bar, false",
    // TestKeyringHitWithUnqualifiedDockerHub and friends
    "https://index.docker.io/v1/, google/docker-registry, true",
    "https://index.docker.io/v1/, jenkins, true",
    "https://index.docker.io/v1/, index.docker.io/v1//google/docker-registry, true",
    "https://index.docker.io/v1/, world.mesos.org/foo/bar, false",
    // TestIssue3797
    "https://quay.io/v1/, quay.io, true",
    "https://quay.io/v1/, quay.io/foo, true",
    "https://quay.io/v1/, quay.io/foo/bar, true",
    // derived examples
    "https://myreg.example.com, myreg.example.com/app, true",
    "myreg.example.com:5000, myreg.example.com/app, false",
    "myreg.example.com, myreg.example.com:5000/app, false",
    "http://10.0.0.5:5000, 10.0.0.5:5000/app, true",
    "*.dkr.ecr.us-east-1.amazonaws.com, 123456789012.dkr.ecr.us-east-1.amazonaws.com/app, true",
    "*.amazonaws.com, 123456789012.dkr.ecr.us-east-1.amazonaws.com/app, false",
    "ghcr.io/myorg, ghcr.io/myorg-tools/x, true",
    "GHCR.IO, ghcr.io/x/y, false",
    "https://index.docker.io/v1/, registry-1.docker.io/library/nginx, false",
    "docker.io, docker.io/library/nginx, true",
    // §1.6 Docker Hub key variants for docker.io/library/nginx
    "index.docker.io, docker.io/library/nginx, true",
    "https://index.docker.io/v2/, docker.io/library/nginx, true",
    "https://docker.io, docker.io/library/nginx, true",
    "registry-1.docker.io, docker.io/library/nginx, false",
    "*.docker.io, docker.io/library/nginx, false",
    "hub.docker.com, docker.io/library/nginx, false",
    "https://hub.docker.com/, docker.io/library/nginx, false",
    "docker.io/myorg, docker.io/myorg/app, true",
    "docker.io/myorg, docker.io/library/nginx, false",
    // §1.4: the scheme is ignored, user info is not part of the key
    "http://ghcr.io, ghcr.io/x, true",
    "https://user:pass@ghcr.io, ghcr.io/x, true",
    "ghcr.io:, ghcr.io/x, true",
  })
  void lookupSingleKey(String key, String image, boolean expected) {
    assertThat(keyring(key).lookup(image)).hasSize(expected ? 1 : 0);
  }

  // Kubernetes docs, "Interpretation of config.json"
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "my-registry.io/images, true",
    "my-registry.io/images/my-image, true",
    "my-registry.io/images/another-image, true",
    "sub.my-registry.io/images/my-image, true",
    "a.sub.my-registry.io/images/my-image, false",
    "a.b.sub.my-registry.io/images/my-image, false",
  })
  void documentationExamples(String image, boolean expected) {
    KubeletKeyring keyring = keyring("my-registry.io/images", "*.my-registry.io/images");
    assertThat(keyring.lookup(image).isEmpty()).isNotEqualTo(expected);
  }

  // §1.8 rows 38-43: TestDockerKeyringLookup
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bar.example.com | ada",
        "bar.example.com/pong | grace,ada",
        "bar.example.com/ping | ada",
        "bar.example.com/pongz | grace,ada",
        "bar.example.com/pong/pang | grace,ada",
        "example.com | ''",
        "foo.example.com | ''",
      })
  void mostSpecificPathFirst(String image, String expected) {
    KubeletKeyring keyring =
        KubeletKeyring.of(
            List.of(
                new Entry("ada", "bar.example.com"), new Entry("grace", "bar.example.com/pong")));
    assertThat(String.join(",", secrets(keyring.lookup(image)))).isEqualTo(expected);
  }

  // TestIsDefaultRegistryMatch, observed through the fallback
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "foo/bar, true",
    "docker.io/foo/bar, true",
    "index.docker.io/foo/bar, true",
    "foo, true",
    "'', false",
    "registry.tld/foo/bar, false",
    "registry:5000/foo/bar, false",
    "myhostdocker.io/foo/bar, false",
  })
  void defaultRegistryMatch(String image, boolean expected) {
    assertThat(keyring("https://index.docker.io/v1/").lookup(image).isEmpty())
        .isNotEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://index.docker.io/v1/, index.docker.io",
    "https://index.docker.io/v2/, index.docker.io",
    "https://index.docker.io/v1, index.docker.io/v1",
    "index.docker.io/, index.docker.io",
    "quay.io/v1/coreos, quay.io/coreos",
    "http://10.0.0.5:5000, 10.0.0.5:5000",
    "https://user:pass@reg.example.com/team, reg.example.com/team",
    "reg.example.com/a%41b, reg.example.com/aAb",
    "'https://[fd00::1]:5000', '[fd00::1]:5000'",
  })
  void indexKeyNormalisation(String key, String indexKey) {
    assertThat(keyring(key).lookup(indexKey + "/x")).extracting(Match::indexKey).contains(indexKey);
  }

  @Test
  void reverseSortedIndexAndInsertionOrderWithinAKey() {
    KubeletKeyring keyring =
        KubeletKeyring.of(
            List.of(
                new Entry("a", "quay.io"),
                new Entry("b", "https://quay.io/coreos"),
                new Entry("c", "http://quay.io/v2/"),
                new Entry("d", "*.io"),
                new Entry("e", "quay.io/coreos/etcd")));

    List<Match> matches = keyring.lookup("quay.io/coreos/etcd");

    assertThat(secrets(matches)).containsExactly("e", "b", "a", "c", "d");
    assertThat(matches)
        .extracting(Match::indexKey)
        .containsExactly("quay.io/coreos/etcd", "quay.io/coreos", "quay.io", "quay.io", "*.io");
    assertThat(matches).noneMatch(Match::dockerHubFallback);
  }

  @Test
  void dockerHubFallbackOnlyWhenNothingElseMatches() {
    KubeletKeyring keyring =
        KubeletKeyring.of(
            List.of(
                new Entry("hub", "https://index.docker.io/v1/"),
                new Entry("lib", "docker.io/library"),
                new Entry("hub2", "index.docker.io"),
                new Entry("ghcr", "ghcr.io")));

    assertThat(keyring.lookup("docker.io/library/nginx"))
        .containsExactly(new Match("lib", "docker.io/library", "docker.io/library", false));
    assertThat(keyring.lookup("docker.io/acme/app"))
        .containsExactly(
            new Match("hub", "https://index.docker.io/v1/", "index.docker.io", true),
            new Match("hub2", "index.docker.io", "index.docker.io", true));
    assertThat(secrets(keyring.lookup("ghcr.io/acme/app"))).containsExactly("ghcr");
    assertThat(keyring.lookup("quay.io/acme/app")).isEmpty();
  }

  @Test
  void registryKeysInResultsAreRedacted() {
    KubeletKeyring keyring =
        KubeletKeyring.of(List.of(new Entry("s", "https://bob:hunter2@reg.example.com")));

    assertThat(keyring.lookup("reg.example.com/app"))
        .containsExactly(
            new Match("s", "https://REDACTED@reg.example.com", "reg.example.com", false));
    List<NearMiss> misses = keyring.nearMisses("reg.example.com:5000/app");
    assertThat(misses)
        .singleElement()
        .satisfies(m -> assertThat(m.reason()).isEqualTo(MissReason.PORT));
    assertThat(misses.get(0).registryKey()).isEqualTo("https://REDACTED@reg.example.com");
    assertThat(misses.get(0).explanation()).contains("REDACTED@").doesNotContain("hunter2");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "reg.example.com:abc",
    "'my registry.example.com'",
    "reg.example.com/%zz",
    "reg.example.com#%zz",
    "a[0-9].example.com",
    "'[0-9].example.com'",
    "'[1.2.3.4]:5000'",
    "'[::1'",
    "'[fe80::1%25]'",
    "reg.example.com:5000:6000",
    "reg.example.com%41",
    "'reg.example.com\\'",
    "https://us{er@reg.example.com",
    "https://user:p%zz@reg.example.com",
  })
  void invalidKeysAreIgnoredAndListed(String key) {
    KubeletKeyring keyring =
        KubeletKeyring.of(List.of(new Entry("bad", key), new Entry("good", "ghcr.io")));

    assertThat(secrets(keyring.lookup("ghcr.io/acme/app"))).containsExactly("good");
    assertThat(keyring.lookup("reg.example.com/app")).isEmpty();
    assertThat(keyring.nearMisses("reg.example.com/app"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.secretName()).isEqualTo("bad");
              assertThat(m.reason()).isEqualTo(MissReason.INVALID_KEY);
              assertThat(m.explanation())
                  .contains("is ignored by the kubelet because Go's url.Parse rejects it")
                  .doesNotContain("p%zz");
            });
  }

  @Test
  void controlCharacterInKeyIsShownEscaped() {
    NearMiss miss = onlyMiss("reg.example.com\n", "reg.example.com/app");

    assertThat(miss.reason()).isEqualTo(MissReason.INVALID_KEY);
    assertThat(miss.explanation())
        .isEqualTo(
            "key 'reg.example.com\\u000a' is ignored by the kubelet because Go's url.Parse"
                + " rejects it (invalid control character in URL)");
  }

  @Test
  void keyThatDoesNotSurviveTheSecondParseNeverMatches() {
    // Add decodes %25 to %; Lookup parses "reg.example.com/%zz" again and fails
    KubeletKeyring keyring = keyring("reg.example.com/%25zz");

    assertThat(keyring.lookup("reg.example.com/%25zz/app")).isEmpty();
    assertThat(keyring("[fe80::1%25en0]:5000").lookup("[fe80::1%25en0]:5000/app")).isEmpty();
    assertThat(keyring.nearMisses("reg.example.com/app"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.reason()).isEqualTo(MissReason.INVALID_KEY);
              assertThat(m.explanation()).contains("stored as 'reg.example.com/%zz'");
            });
  }

  static Stream<Arguments> nearMissExplanations() {
    return Stream.of(
        Arguments.of(
            "registry.example.com",
            "registry.example.com:5000/team/app",
            MissReason.PORT,
            "key 'registry.example.com' has no port but the image is on"
                + " registry.example.com:5000; the kubelet requires equal ports"),
        Arguments.of(
            "registry.example.com:5000",
            "registry.example.com/team/app",
            MissReason.PORT,
            "key 'registry.example.com:5000' has port 5000 but the image is on"
                + " registry.example.com without a port; the kubelet requires equal ports"),
        Arguments.of(
            "registry.example.com:443",
            "registry.example.com:5000/team/app",
            MissReason.PORT,
            "key 'registry.example.com:443' has port 443 but the image is on"
                + " registry.example.com:5000; the kubelet requires equal ports"),
        Arguments.of(
            "ghcr.io/acme",
            "ghcr.io/other/app",
            MissReason.PATH_PREFIX,
            "key 'ghcr.io/acme' covers only image paths starting with '/acme' but ghcr.io/other/app"
                + " has path '/other/app'; the kubelet requires the key's path to be a plain"
                + " string prefix of the image path"),
        Arguments.of(
            "ghcr.io/Acme",
            "ghcr.io/acme/app",
            MissReason.PATH_PREFIX,
            "key 'ghcr.io/Acme' covers only image paths starting with '/Acme' but ghcr.io/acme/app"
                + " has path '/acme/app'; the kubelet requires the key's path to be a plain string"
                + " prefix of the image path, and compares paths case-sensitively"),
        Arguments.of(
            "https://myreg.example.com/v1",
            "myreg.example.com/app",
            MissReason.PATH_PREFIX,
            "key 'https://myreg.example.com/v1' covers only image paths starting with '/v1' but"
                + " myreg.example.com/app has path '/app'; the kubelet requires the key's path to"
                + " be a plain string prefix of the image path, and drops '/v1/' and '/v2/' only"
                + " with the trailing slash"),
        Arguments.of(
            "*.example.com",
            "example.com/app",
            MissReason.LABEL_COUNT,
            "key '*.example.com' has 3 host labels but the image host example.com has 2; the"
                + " kubelet compares hosts label by label and '*' matches exactly one label"),
        Arguments.of(
            "*.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
            MissReason.LABEL_COUNT,
            "key '*.amazonaws.com' has 3 host labels but the image host"
                + " 123456789012.dkr.ecr.us-east-1.amazonaws.com has 6; the kubelet compares hosts"
                + " label by label and '*' matches exactly one label"),
        Arguments.of(
            "GHCR.IO",
            "ghcr.io/x/y",
            MissReason.HOST_CASE,
            "key 'GHCR.IO' differs from the image host ghcr.io only in letter case; the kubelet"
                + " compares hosts case-sensitively"),
        Arguments.of(
            "111111111111.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
            MissReason.GLOB,
            "key '111111111111.dkr.ecr.us-east-1.amazonaws.com' does not match the image host"
                + " 123456789012.dkr.ecr.us-east-1.amazonaws.com: label '111111111111' does not"
                + " match '123456789012'; the kubelet matches each host label with Go's"
                + " filepath.Match"),
        Arguments.of(
            "registry-1.docker.io",
            "docker.io/library/nginx",
            MissReason.DOCKER_HUB_ALIAS,
            "key 'registry-1.docker.io' is for registry-1.docker.io, which the kubelet does not"
                + " treat as Docker Hub: for docker.io/library/nginx it uses keys for docker.io"
                + " (such as 'docker.io') or, only when no key matches, the key"
                + " 'https://index.docker.io/v1/'"),
        Arguments.of(
            "https://index.docker.io/v1",
            "docker.io/library/nginx",
            MissReason.DOCKER_HUB_ALIAS,
            "key 'https://index.docker.io/v1' is stored as 'index.docker.io/v1' rather than"
                + " exactly 'index.docker.io', so the kubelet's Docker Hub fallback does not use it"
                + " for docker.io/library/nginx, and index.docker.io never matches docker.io images"
                + " directly; write 'https://index.docker.io/v1/' (with the trailing slash) or"
                + " 'docker.io'"),
        Arguments.of(
            "https://INDEX.DOCKER.IO/v1/",
            "docker.io/library/nginx",
            MissReason.HOST_CASE,
            "key 'https://INDEX.DOCKER.IO/v1/' is stored as 'INDEX.DOCKER.IO', which differs from"
                + " 'index.docker.io' only in letter case, so the kubelet's Docker Hub fallback"
                + " does not use it for docker.io/library/nginx; the kubelet compares keys"
                + " case-sensitively"),
        Arguments.of(
            "docker.io",
            "registry-1.docker.io/library/nginx",
            MissReason.DOCKER_HUB_ALIAS,
            "the image registry-1.docker.io/library/nginx names Docker Hub as"
                + " registry-1.docker.io, which the kubelet does not treat as Docker Hub, so key"
                + " 'docker.io' does not match and the Docker Hub fallback does not apply; write"
                + " the image as docker.io/... or add a key for registry-1.docker.io"),
        Arguments.of(
            "example.com:5000",
            "registry.example.com/team/app",
            MissReason.PORT,
            "key 'example.com:5000' has port 5000 but the image is on registry.example.com"
                + " without a port; the kubelet requires equal ports; also the key host has 2"
                + " labels where the image host has 3"),
        Arguments.of(
            "GHCR.IO:443/acme",
            "ghcr.io/other/app",
            MissReason.PORT,
            "key 'GHCR.IO:443/acme' has port 443 but the image is on ghcr.io without a port; the"
                + " kubelet requires equal ports; also the key path '/acme' is not a prefix of the"
                + " image path '/other/app'; also the host differs in letter case"),
        Arguments.of(
            "a.example.com:5000",
            "b.example.com/app",
            MissReason.PORT,
            "key 'a.example.com:5000' has port 5000 but the image is on b.example.com without a"
                + " port; the kubelet requires equal ports; also host label 'a' does not match"
                + " 'b'"));
  }

  @ParameterizedTest(name = "{0} for {1}")
  @MethodSource("nearMissExplanations")
  void nearMissReasonAndExplanation(
      String key, String image, MissReason reason, String explanation) {
    NearMiss miss = onlyMiss(key, image);

    assertThat(miss.reason()).isEqualTo(reason);
    assertThat(miss.explanation()).isEqualTo(explanation);
    assertThat(miss.registryKey()).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} for {1}")
  @CsvSource({
    "hub.docker.com, docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "https://hub.docker.com/, docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "https://registry.hub.docker.com, docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "*.docker.io, docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "https://index.docker.io/v1/myorg, docker.io/myorg/app, DOCKER_HUB_ALIAS",
    "index.docker.io:443, docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "https://index.docker.io/v1/, registry-1.docker.io/library/nginx, DOCKER_HUB_ALIAS",
    "docker.io/myorg, docker.io/library/nginx, PATH_PREFIX",
    "Docker.io, docker.io/library/nginx, HOST_CASE",
    "docker.io:443, docker.io/library/nginx, PORT",
    "registry:5000, registry/x, PORT",
    "localhost, localhost:5000/x, PORT",
    "*.*.kubernetes.io, kubernetes.io/x, LABEL_COUNT",
    "gcr.io, us.gcr.io/proj/x, LABEL_COUNT",
    "suffix.*.io, prefix.docker.io/foo/bar, GLOB",
  })
  void nearMissReasons(String key, String image, MissReason reason) {
    assertThat(onlyMiss(key, image).reason()).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0} for {1}")
  @CsvSource({
    "quay.io, ghcr.io/x",
    "kubernetes.io, kubernetes.com/x",
    "k*.io, quay.io/x",
    "https://*.docker.com, prefix.docker.io/foo/bar",
    "https://hello.kubernetes.io, world.mesos.org/foo/bar",
    "registry, localhost:5000/x",
    "io, ghcr.io/x",
    "ghcr.io, registry/x",
  })
  void unrelatedKeysAreNoNearMisses(String key, String image) {
    assertThat(keyring(key).lookup(image)).isEmpty();
    assertThat(keyring(key).nearMisses(image)).isEmpty();
  }

  @Test
  void noNearMissesWhenSomethingMatches() {
    KubeletKeyring keyring = keyring("registry.example.com:5000", "registry.example.com");

    assertThat(keyring.nearMisses("registry.example.com/app")).isEmpty();
    assertThat(keyring.nearMisses("registry.example.com:5000/app")).isEmpty();
    assertThat(keyring.nearMisses("registry.example.com:6000/app")).hasSize(2);
  }

  @Test
  void nearMissesKeepEntryOrder() {
    KubeletKeyring keyring =
        KubeletKeyring.of(
            List.of(
                new Entry("z", "registry.example.com"),
                new Entry("y", "not a key"),
                new Entry("x", "quay.io"),
                new Entry("w", "registry.example.com:443")));

    assertThat(keyring.nearMisses("registry.example.com:5000/app"))
        .extracting(NearMiss::secretName, NearMiss::reason)
        .containsExactly(
            tuple("z", MissReason.PORT),
            tuple("y", MissReason.INVALID_KEY),
            tuple("w", MissReason.PORT));
  }

  @Test
  void longKeysAreCutInExplanations() {
    String key = "registry.example.com/" + "a".repeat(1000);

    NearMiss miss = onlyMiss(key, "registry.example.com/b");

    assertThat(miss.reason()).isEqualTo(MissReason.PATH_PREFIX);
    assertThat(miss.explanation().length()).isLessThan(700);
    assertThat(miss.registryKey()).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // IPv6 literals: only valid ones are accepted in brackets
        "[::1]:5000 | [::1]:5000/app | true",
        "[fe80::1%25en0]:5000 | [fe80::1%25en0]:5000/app | true",
        "[::ffff:1.2.3.4]:1 | [::ffff:1.2.3.4]:1/x | true",
        "[1:2:3:4:5:6:7:8]:1 | [1:2:3:4:5:6:7:8]:1/x | true",
        "[1:2:3:4:5:6:7:8:9]:1 | [1:2:3:4:5:6:7:8:9]:1/x | false",
        "[1::2::3]:1 | [1::2::3]:1/x | false",
        "[12345::1]:1 | [12345::1]:1/x | false",
        "[::1.2.3.04]:1 | [::1.2.3.04]:1/x | false",
        "[1:2:3:4:5:6:7::]:1 | [1:2:3:4:5:6:7::]:1/x | true",
        "[1:2:3:4:5:6:7:8::]:1 | [1:2:3:4:5:6:7:8::]:1/x | false",
        "[1:2:3:4:5:6:1.2.3.4]:1 | [1:2:3:4:5:6:1.2.3.4]:1/x | true",
        "[1:2:3:4:5:1.2.3.4]:1 | [1:2:3:4:5:1.2.3.4]:1/x | false",
        "[::]:1 | [::]:1/x | true",
        "[fe80::1%25]:1 | [fe80::1%25]:1/x | false",
        "[v1.fe]:1 | [v1.fe]:1/x | false",
        "[::1.2.3.256]:1 | [::1.2.3.256]:1/x | false",
        "[::1..2.3]:1 | [::1..2.3]:1/x | false",
        "[::1.2.3.4.5]:1 | [::1.2.3.4.5]:1/x | false",
        "[::1.2.3.a]:1 | [::1.2.3.a]:1/x | false",
        "[::1.2.3]:1 | [::1.2.3]:1/x | false",
        "[1:2:]:1 | [1:2:]:1/x | false",
        "[:1]:1 | [:1]:1/x | false",
        "[fe80::1%25%20x]:1 | [fe80::1%25%20x]:1/x | true",
        "[fe80::1%25%00]:1 | [fe80::1%25%00]:1/x | false",
        "[fe80::1%25%C3%A9]:1 | [fe80::1%25%C3%A9]:1/x | false",
        "[::1]x:1 | [::1]x:1/x | false",
        "a:b | a:b/x | false",
        // without a port SplitHostPort fails, and "[::1]" is then read as a glob class
        "[::1] | [::1]/app | false",
        // host syntax
        "reg.example.com: | reg.example.com/x | true",
        "reg.example.com | reg.example.com:/x | true",
        "%C3%A9.example | é.example/x | true",
        "*.example | é.example/x | true",
        "bob@reg.example.com | reg.example.com/x | true",
        "reg.example.com/x?y | reg.example.com/x | true",
        "reg.example.com/x#y | reg.example.com/x | true",
        "reg.example.com/a%2Fb | reg.example.com/a/b | true",
        "a]b | a]b/x | true",
        "'' | '' | true",
        "* | nginx | true",
        "'' | nginx | false",
      })
  void urlSyntax(String glob, String target, boolean expected) {
    assertThat(KubeletKeyring.urlsMatch(glob, target)).isEqualTo(expected);
  }

  // Go's path/filepath match_test.go; Go's ErrBadPattern counts as no match
  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "abc | abc | true",
        "* | abc | true",
        "*c | abc | true",
        "a* | a | true",
        "a* | abc | true",
        "a* | ab/c | false",
        "a*/b | abc/b | true",
        "a*/b | a/c/b | false",
        "a*b*c*d*e*/f | axbxcxdxe/f | true",
        "a*b*c*d*e*/f | axbxcxdxexxx/f | true",
        "a*b*c*d*e*/f | axbxcxdxe/xxx/f | false",
        "a*b*c*d*e*/f | axbxcxdxexxx/fff | false",
        "a*b?c*x | abxbbxdbxebxczzx | true",
        "a*b?c*x | abxbbxdbxebxczzy | false",
        "ab[c] | abc | true",
        "ab[b-d] | abc | true",
        "ab[e-g] | abc | false",
        "ab[^c] | abc | false",
        "ab[^b-d] | abc | false",
        "ab[^e-g] | abc | true",
        "a\\*b | a*b | true",
        "a\\*b | ab | false",
        "a?b | a☺b | true",
        "a[^a]b | a☺b | true",
        "a???b | a☺b | false",
        "a[^a][^a][^a]b | a☺b | false",
        "[a-ζ]* | α | true",
        "*[a-ζ] | A | false",
        "a?b | a/b | false",
        "a*b | a/b | false",
        "[\\]a] | ] | true",
        "[\\-] | - | true",
        "[x\\-] | x | true",
        "[x\\-] | - | true",
        "[x\\-] | z | false",
        "[\\-x] | x | true",
        "[\\-x] | - | true",
        "[\\-x] | a | false",
        "[]a] | ] | false",
        "[-] | - | false",
        "[x-] | x | false",
        "[x-] | - | false",
        "[-x] | x | false",
        "\\ | a | false",
        "[a-b-c] | a | false",
        "[ | a | false",
        "[^ | a | false",
        "[^bc | a | false",
        "a[ | a | false",
        "a[ | ab | false",
        "* | x | true",
        "*x | xxx | true",
        "a*\\ | ab | false",
        "[\\ | a | false",
        "[a\\ | a | false",
        "[\uFFFD] | \uFFFD | true",
      })
  void globLabel(String pattern, String name, boolean expected) {
    assertThat(KubeletKeyring.matchLabel(pattern, name)).isEqualTo(expected);
  }

  @Test
  void globWorksOnUtf8Bytes() {
    // hosts may percent-encode non-ASCII bytes, valid UTF-8 or not; '?' cannot occur in a host
    assertThat(KubeletKeyring.urlsMatch("*.example", "%FF.example")).isTrue();
    assertThat(KubeletKeyring.urlsMatch("%FF.example", "%FF.example")).isTrue();
    assertThat(KubeletKeyring.urlsMatch("%FE.example", "%FF.example")).isFalse();
    assertThat(KubeletKeyring.urlsMatch("?.example", "a.example")).isFalse();
    assertThat(KubeletKeyring.urlsMatch("x/%FF", "x/%FFy")).isTrue();
    // Go's JSON decoder turns lone surrogates into U+FFFD
    assertThat(KubeletKeyring.matchLabel("a\uD800b", "a\uFFFDb")).isTrue();
    assertThat(KubeletKeyring.matchLabel("[\u00e9]", "\u00e9")).isTrue();
    assertThat(KubeletKeyring.matchLabel("?", "\uD83D\uDE00")).isTrue();
    assertThat(KubeletKeyring.matchLabel("??", "\uD83D\uDE00")).isFalse();
  }

  @Test
  void redaction() {
    assertThat(KubeletKeyring.redact("https://u:p@h/x")).isEqualTo("https://REDACTED@h/x");
    assertThat(KubeletKeyring.redact("http://u:p@h")).isEqualTo("http://REDACTED@h");
    assertThat(KubeletKeyring.redact("u:p/q@h")).isEqualTo("REDACTED@h");
    assertThat(KubeletKeyring.redact("REDACTED@h")).isEqualTo("REDACTED@h");
    assertThat(KubeletKeyring.redact("h/x")).isEqualTo("h/x");
  }

  @Test
  void garbageNeverThrows() {
    String alphabet = "ab.:/@[]%25*?\\#-_^! \u0000\n\u007f\u00e9\u202e\uD83D\uDE00\uD800fF09";
    Random random = new Random(20_260_101L);
    List<String> samples = new ArrayList<>(List.of("", "%", "[", "]", "[::1]", "https://", "#"));
    samples.addAll(List.of("http://", "?", "@", ":::", "\u0000", "\uD800", "a".repeat(5000)));
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(24);
      for (int j = 0; j < length; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      samples.add(sb.toString());
    }
    for (int i = 0; i + 2 < samples.size(); i += 3) {
      String key1 = samples.get(i);
      String key2 = samples.get(i + 1);
      String image = samples.get(i + 2);
      assertThatCode(
              () -> {
                KubeletKeyring keyring =
                    KubeletKeyring.of(List.of(new Entry("a", key1), new Entry("b", key2)));
                List<Match> matches = keyring.lookup(image);
                List<NearMiss> misses = keyring.nearMisses(image);
                KubeletKeyring.urlsMatch(key1, image);
                KubeletKeyring.matchLabel(key1, image);
                assertThat(matches.isEmpty() || misses.isEmpty()).isTrue();
                for (NearMiss miss : misses) {
                  assertThat(miss.explanation()).doesNotEndWith(".").doesNotContain("\n");
                }
              })
          .as("keys %s, %s and image %s", key1, key2, image)
          .doesNotThrowAnyException();
    }
  }
}
