package dev.pulldoctor.rules.pullsecret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.goport.GoBytes;
import dev.pulldoctor.rules.goport.GoUrl;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Entry;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Generated registry keys: the index key pulldoctor stores for a parsed secret ({@link
 * RegistryKeys#keyringKey}, used through {@link Entry#indexed}) must be the one {@link
 * KubeletKeyring#of} computes from the raw key, and a keyring built from stored keys must match
 * images as one built from raw keys does.
 */
class KeyringIndexKeyPropertyTest {
  private static final int KEYS = 4000;

  private static final String[] SCHEMES = {
    "", "", "", "https://", "http://", "HTTPS://", "oci://", "https://https://"
  };
  private static final String[] HOSTS = {
    "reg.example.com",
    "example.com",
    "*.example.com",
    "*.*.example.com",
    "reg.*.com",
    "Reg.Example.COM",
    "localhost",
    "registry",
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "hub.docker.com",
    "10.0.0.1",
    "[::1]",
    "[fe80::1%25eth0]",
    "[1.2.3.4]",
    "[::1",
    "a[b]",
    "%C3%A9.example",
    "%41.example",
    "re g.io",
    "ghcr.io",
    "quay.io",
    "*",
    "",
    "[a-c].example.com",
  };
  private static final String[] PORTS = {"", "", "", ":5000", ":443", ":", ":abc", ":1:2"};
  private static final String[] PATHS = {
    "",
    "",
    "/",
    "/v1/",
    "/v2/",
    "/v1",
    "/v2/org",
    "/org",
    "/org/repo",
    "/Org",
    "/a%2Fb",
    "/%zz",
    "/x?q=1",
    "/x#frag",
    "/caf%C3%A9",
    "//double",
    "/a b",
  };
  private static final String[] USERINFO = {"", "", "", "", "user:pass@", "u@", "u:p%zz@"};
  private static final String[] IMAGES = {
    "reg.example.com/org/repo",
    "reg.example.com:5000/org/repo",
    "a.example.com/org/repo",
    "a.b.example.com/x",
    "example.com/org",
    "localhost/x",
    "localhost:5000/x",
    "registry/x",
    "nginx",
    "library/nginx",
    "docker.io/library/nginx",
    "index.docker.io/library/nginx",
    "registry-1.docker.io/library/nginx",
    "10.0.0.1/x",
    "[::1]:5000/x",
    "ghcr.io/org/repo",
    "quay.io/Org/repo",
    "b.example.com/v2/org",
  };

  @Test
  void storedIndexKeysAreTheKeyringsOwn() {
    Random random = new Random(20_260_417L);
    int parsed = 0;
    for (int i = 0; i < KEYS; i++) {
      String key = generatedKey(random);
      String stored = RegistryKeys.keyringKey(key);
      String own = ownIndexKey(key);
      assertThat(stored)
          .as("key %s", key)
          .isEqualTo(own == null ? null : RegistryKeys.redactIndexKey(own));
      if (own != null) {
        parsed++;
      }
    }
    // the generator must exercise both outcomes
    assertThat(parsed).isBetween(KEYS / 10, KEYS - KEYS / 10);
  }

  @Test
  void storedAndRawKeysMatchTheSameImages() {
    Random random = new Random(20_260_418L);
    for (int i = 0; i < KEYS; i++) {
      String key = generatedKey(random);
      KubeletKeyring raw = KubeletKeyring.of(List.of(new Entry("s", key)));
      KubeletKeyring stored =
          KubeletKeyring.of(
              List.of(Entry.indexed("s", RegistryKeys.redact(key), RegistryKeys.keyringKey(key))));
      for (String image : IMAGES) {
        assertThat(summary(stored.lookup(image)))
            .as("key %s, image %s", key, image)
            .isEqualTo(summary(raw.lookup(image)));
      }
    }
  }

  /**
   * Jackson passes a JSON key's lone {@code \ud800} escape through; Go's decoder makes it U+FFFD.
   * The removed char-based url.Parse copy encoded it as {@code ?}, which the keyring then read as
   * the start of a query, so the stored key matched more images than the kubelet's.
   */
  @Test
  void aLoneSurrogateIsFiledAsGoFilesIt() {
    String key = "reg.example.com/a\uD800b";
    assertThat(RegistryKeys.keyringKey(key)).isEqualTo("reg.example.com/a\uFFFDb");
    KubeletKeyring stored =
        KubeletKeyring.of(List.of(Entry.indexed("s", key, RegistryKeys.keyringKey(key))));
    assertThat(stored.lookup("reg.example.com/a")).isEmpty();
    assertThat(stored.lookup("reg.example.com/a\uFFFDb")).hasSize(1);
  }

  /**
   * A key whose index key holds {@code @} in its path is stored redacted; the host must survive, or
   * the stored key would be filed under the host after the {@code @}.
   */
  @Test
  void aRedactedPathKeepsItsHost() {
    String key = "reg.example.com/x@evil.io";
    assertThat(RegistryKeys.keyringKey(key)).isEqualTo("REDACTED/REDACTED@evil.io");
    assertThat(RegistryKeys.keyringKey("https://u:12/pw@host.example.com"))
        .isEqualTo("REDACTED/REDACTED@host.example.com");
    assertThat(RegistryKeys.keyringKey("HTTPS://u:pw@reg.io")).isEqualTo("HTTPS://REDACTED@reg.io");
    KubeletKeyring stored =
        KubeletKeyring.of(
            List.of(Entry.indexed("s", RegistryKeys.redact(key), RegistryKeys.keyringKey(key))));
    assertThat(stored.lookup("evil.io/team/app:1")).isEmpty();
    assertThat(stored.lookup("reg.example.com/team/app:1")).isEmpty();
  }

  private static @Nullable String ownIndexKey(String key) {
    try {
      return GoBytes.text(KubeletKeyring.indexKey(GoBytes.of(key)));
    } catch (GoUrl.ParseError e) {
      return null;
    }
  }

  private static List<String> summary(List<Match> matches) {
    List<String> out = new ArrayList<>();
    for (Match m : matches) {
      out.add(m.secretName() + " " + m.indexKey() + " " + m.dockerHubFallback());
    }
    return out;
  }

  /** Mostly structured keys, sometimes with a random character spliced in. */
  private static String generatedKey(Random random) {
    StringBuilder key =
        new StringBuilder()
            .append(pick(random, SCHEMES))
            .append(pick(random, USERINFO))
            .append(pick(random, HOSTS))
            .append(pick(random, PORTS))
            .append(pick(random, PATHS));
    if (random.nextInt(5) == 0) {
      String alphabet = "./:@[]%*?#-_\\ Aé\u0001";
      int at = random.nextInt(key.length() + 1);
      key.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return key.toString();
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
