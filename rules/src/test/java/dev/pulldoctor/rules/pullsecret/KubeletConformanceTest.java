package dev.pulldoctor.rules.pullsecret;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Entry;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Match;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the kubelet's own test cases, kept as data in {@code conformance/kubelet/keyring.yaml} and
 * {@code config.yaml} (each file says where its cases come from and what each kind means), against
 * {@link KubeletKeyring} and {@link DockerConfigParser}. A case without a {@code difference} must
 * give the kubelet's result; a case with one must give the different result it documents, so the
 * documentation cannot go stale.
 */
class KubeletConformanceTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIRECTORY = "/conformance/kubelet/";
  private static final String REGISTRY = "registry.example.com";
  private static final String DOCKERCFG = PullSecretFormat.DOCKER_CFG.secretType();
  private static final String DOCKER_CONFIG_JSON = PullSecretFormat.DOCKER_CONFIG_JSON.secretType();

  static Stream<Arguments> keyringCases() {
    return cases("keyring.yaml");
  }

  static Stream<Arguments> configCases() {
    return cases("config.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyringCases")
  void keyringCase(JsonNode conformanceCase) {
    String name = conformanceCase.get("name").asText();
    JsonNode want = wanted(conformanceCase);
    switch (conformanceCase.get("kind").asText()) {
      case "urlsMatch" ->
          assertThat(
                  KubeletKeyring.urlsMatch(
                      conformanceCase.get("glob").asText(), conformanceCase.get("target").asText()))
              .as(name)
              .isEqualTo(want.asBoolean());
      case "isDefaultRegistryMatch" ->
          assertThat(KubeletKeyring.isDefaultRegistryMatch(conformanceCase.get("image").asText()))
              .as(name)
              .isEqualTo(want.asBoolean());
      case "lookup" -> checkLookup(name, conformanceCase, want);
      default -> throw new AssertionError(name + ": unknown kind");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void configCase(JsonNode conformanceCase) {
    String name = conformanceCase.get("name").asText();
    JsonNode want = wanted(conformanceCase);
    PullSecretView view = parse(conformanceCase);

    assertThat(view.breaksPulls())
        .as("%s: the kubelet %s the secret; problems %s", name, rejects(want), view.problems())
        .isEqualTo(want.get("error").asBoolean());
    for (JsonNode code : want.path("problems")) {
      assertThat(view.problems()).as(name).extracting(p -> p.code().name()).contains(code.asText());
    }
    if (want.get("error").asBoolean()) {
      return;
    }
    // pulldoctor shows keys with user info redacted; the kubelet's keys are compared that way.
    Map<String, RegistryCredential> byKey = new LinkedHashMap<>();
    view.credentials().forEach(c -> byKey.put(c.registryKey(), c));
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    expectedEntries(conformanceCase, want)
        .forEach((key, entry) -> expected.put(RegistryKeys.redact(key), entry));
    assertThat(byKey.keySet())
        .as("%s: entry keys", name)
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (key, entry) -> assertCredential(name + ", entry " + key, byKey.get(key), entry));
  }

  /** The counts, names and sources docs/conformance.md relies on. */
  @ParameterizedTest
  @ValueSource(strings = {"keyring.yaml", "config.yaml"})
  void fixtureFilesAreWellFormed(String file) {
    JsonNode root = load(file);
    JsonNode source = root.get("source");
    assertThat(source.get("project").asText()).isEqualTo("kubernetes/kubernetes");
    assertThat(source.get("version").asText()).isNotBlank();
    assertThat(source.get("license").asText()).isEqualTo("Apache-2.0");
    assertThat(source.get("files"))
        .allSatisfy(url -> assertThat(url.asText()).startsWith("https://"));
    Set<String> names = new HashSet<>();
    for (JsonNode conformanceCase : root.get("cases")) {
      String name = conformanceCase.get("name").asText();
      assertThat(names.add(name)).as("%s is unique", name).isTrue();
      assertThat(conformanceCase.has("pulldoctor"))
          .as("%s states pulldoctor's result exactly when it has a difference", name)
          .isEqualTo(conformanceCase.has("difference"));
      if (conformanceCase.has("pulldoctor")) {
        JsonNode result = conformanceCase.get("pulldoctor").deepCopy();
        if (result instanceof ObjectNode object) {
          object.remove("problems");
        }
        assertThat(result)
            .as("%s: a difference must differ from the kubelet's result", name)
            .isNotEqualTo(conformanceCase.get("expected"));
      }
    }
  }

  @Test
  void atLeastFortyCasesArePorted() {
    assertThat(load("keyring.yaml").get("cases").size() + load("config.yaml").get("cases").size())
        .isGreaterThanOrEqualTo(40);
  }

  // ---- keyring ----

  private static void checkLookup(String name, JsonNode conformanceCase, JsonNode want) {
    List<Entry> entries = new ArrayList<>();
    ObjectNode payload = JSON.createObjectNode();
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode entry : conformanceCase.get("entries")) {
      String key = entry.get("key").asText();
      entries.add(new Entry(entry.get("name").asText(), key));
      byName.put(entry.get("name").asText(), entry);
      ObjectNode fields = payload.putObject(key);
      if (entry.has("auth")) {
        fields.put("auth", entry.get("auth").asText()).put("email", "foo@bar.baz");
      } else {
        fields
            .put("username", entry.get("username").asText())
            .put("password", entry.get("password").asText());
      }
    }
    List<Match> matches = KubeletKeyring.of(entries).lookup(conformanceCase.get("image").asText());

    List<String> wanted = new ArrayList<>();
    want.forEach(n -> wanted.add(n.asText()));
    assertThat(matches).as(name).extracting(Match::secretName).containsExactlyElementsOf(wanted);

    // The credentials each returned entry gives, read as the kubelet reads the payload.
    PullSecretView view =
        DockerConfigParser.parse(DOCKERCFG, Map.of(), Map.of(".dockercfg", payload.toString()));
    assertThat(view.breaksPulls()).as("%s: payload problems %s", name, view.problems()).isFalse();
    for (Match match : matches) {
      JsonNode entry = byName.get(match.secretName());
      RegistryCredential credential =
          view.credentials().stream()
              .filter(c -> c.registryKey().equals(RegistryKeys.redact(entry.get("key").asText())))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name + ": no credential for " + entry));
      assertCredential(name + ", entry " + match.secretName(), credential, entry);
    }
  }

  // ---- config ----

  private static PullSecretView parse(JsonNode conformanceCase) {
    String kind = conformanceCase.get("kind").asText();
    String payload =
        switch (kind) {
          case "dockercfg", "dockerconfigjson" -> conformanceCase.get("payload").asText();
          case "entry" -> "{\"" + REGISTRY + "\":" + conformanceCase.get("payload").asText() + "}";
          case "auth" ->
              JSON.createObjectNode()
                  .set(
                      REGISTRY,
                      JSON.createObjectNode().put("auth", conformanceCase.get("auth").asText()))
                  .toString();
          default -> throw new AssertionError(conformanceCase.get("name") + ": unknown kind");
        };
    boolean configJson = kind.equals("dockerconfigjson");
    return DockerConfigParser.parse(
        configJson ? DOCKER_CONFIG_JSON : DOCKERCFG,
        Map.of(),
        Map.of(configJson ? ".dockerconfigjson" : ".dockercfg", payload));
  }

  /** For entry and auth cases the single expected entry is written inline. */
  private static Map<String, JsonNode> expectedEntries(JsonNode conformanceCase, JsonNode want) {
    Map<String, JsonNode> entries = new LinkedHashMap<>();
    String kind = conformanceCase.get("kind").asText();
    if (kind.equals("entry") || kind.equals("auth")) {
      entries.put(REGISTRY, want);
    } else {
      want.get("entries").properties().forEach(e -> entries.put(e.getKey(), e.getValue()));
    }
    return entries;
  }

  // ---- shared ----

  /** The username pulldoctor shows and the password it fingerprints must be the kubelet's. */
  private static void assertCredential(
      String what, RegistryCredential credential, JsonNode expected) {
    byte[] username = bytes(expected, "username");
    byte[] password = bytes(expected, "password");
    assertThat(credential).as(what).isNotNull();
    assertThat(credential.username())
        .as("%s: username", what)
        .isEqualTo(username.length == 0 ? null : new String(username, StandardCharsets.UTF_8));
    assertThat(credential.passwordFingerprint())
        .as("%s: password", what)
        .isEqualTo(fingerprint(password));
  }

  private static byte[] bytes(JsonNode entry, String field) {
    if (entry.has(field + "Base64")) {
      return Base64.getDecoder().decode(entry.get(field + "Base64").asText());
    }
    return entry.path(field).asText().getBytes(StandardCharsets.UTF_8);
  }

  private static String fingerprint(byte[] password) {
    return password.length == 0 ? null : SecretFingerprint.of(password);
  }

  /** The kubelet's result, or for a documented difference, pulldoctor's. */
  private static JsonNode wanted(JsonNode conformanceCase) {
    return conformanceCase.has("difference")
        ? conformanceCase.get("pulldoctor")
        : conformanceCase.get("expected");
  }

  private static String rejects(JsonNode want) {
    return want.get("error").asBoolean() ? "rejects" : "accepts";
  }

  private static Stream<Arguments> cases(String file) {
    return StreamSupport.stream(load(file).get("cases").spliterator(), false)
        .map(c -> Arguments.of(Named.of(c.get("name").asText(), c)));
  }

  private static JsonNode load(String file) {
    try (InputStream in = KubeletConformanceTest.class.getResourceAsStream(DIRECTORY + file)) {
      assertThat(in).as(file).isNotNull();
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
