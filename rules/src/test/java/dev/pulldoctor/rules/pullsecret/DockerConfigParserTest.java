package dev.pulldoctor.rules.pullsecret;

import static dev.pulldoctor.rules.pullsecret.ProblemCode.AUTHS_IN_DOCKERCFG;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.AUTH_MISMATCH;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.AUTH_NOT_BASE64;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.AUTH_NO_COLON;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.CREDENTIAL_HELPER_IGNORED;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.DATA_NOT_BASE64;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.EMPTY_AUTHS;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.INVALID_JSON;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.INVALID_REGISTRY_KEY;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.MISSING_AUTHS;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.MISSING_KEY;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.NO_CREDENTIALS;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.PAYLOAD_TOO_LARGE;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.TOKEN_FIELD_IGNORED;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.WRONG_JSON_SHAPE;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.WRONG_KEY;
import static dev.pulldoctor.rules.pullsecret.ProblemCode.WRONG_TYPE;
import static dev.pulldoctor.rules.pullsecret.PullSecretFormat.DOCKER_CFG;
import static dev.pulldoctor.rules.pullsecret.PullSecretFormat.DOCKER_CONFIG_JSON;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.pulldoctor.rules.model.SecretInfo;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DockerConfigParserTest {
  private static final String JSON_TYPE = "kubernetes.io/dockerconfigjson";
  private static final String CFG_TYPE = "kubernetes.io/dockercfg";
  private static final String JSON_KEY = ".dockerconfigjson";
  private static final String CFG_KEY = ".dockercfg";

  /** base64("user:pw"). */
  private static final String USER_PW = "dXNlcjpwdw==";

  private static final String PW_FINGERPRINT = fingerprint("pw");

  // --- helpers -------------------------------------------------------------------------------

  /** Fingerprints are keyed per process: a test can only compute them, not write them down. */
  private static String fingerprint(String password) {
    return SecretFingerprint.of(password.getBytes(UTF_8));
  }

  /** JSON written with single quotes, for readability. */
  private static String q(String json) {
    return json.replace('\'', '"');
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  private static String auths(String entries) {
    return q("{'auths':{" + entries + "}}");
  }

  private static PullSecretView viaData(String type, String key, String payload) {
    return DockerConfigParser.parse(type, Map.of(key, b64(payload)), Map.of());
  }

  private static PullSecretView json(String payload) {
    return viaData(JSON_TYPE, JSON_KEY, payload);
  }

  private static PullSecretView cfg(String payload) {
    return viaData(CFG_TYPE, CFG_KEY, payload);
  }

  private static List<ProblemCode> codes(PullSecretView view) {
    return view.problems().stream().map(ParseProblem::code).toList();
  }

  private static RegistryCredential only(PullSecretView view) {
    assertThat(view.credentials()).hasSize(1);
    return view.credentials().get(0);
  }

  // --- formats and where the payload comes from -----------------------------------------------

  @Nested
  class Sources {
    @Test
    void kubectlStyleSecretReadsAsTheKubeletReadsIt() {
      PullSecretView view =
          json(
              auths(
                  "'https://index.docker.io/v1/':{'username':'ping','password':'pong',"
                      + "'email':'ping@example.com','auth':'cGluZzpwb25n'}"));

      assertThat(view.secretType()).isEqualTo(JSON_TYPE);
      assertThat(view.format()).isEqualTo(DOCKER_CONFIG_JSON);
      assertThat(view.problems()).isEmpty();
      assertThat(only(view))
          .isEqualTo(
              new RegistryCredential(
                  "https://index.docker.io/v1/",
                  "index.docker.io",
                  "ping",
                  true,
                  true,
                  true,
                  fingerprint("pong")));
      assertThat(view.usable()).isTrue();
      assertThat(view.breaksPulls()).isFalse();
    }

    @Test
    void legacyDockercfgIsAFlatMap() {
      PullSecretView view = cfg(q("{'quay.io':{'auth':'" + USER_PW + "'}}"));

      assertThat(view.format()).isEqualTo(DOCKER_CFG);
      assertThat(view.problems()).isEmpty();
      assertThat(only(view))
          .isEqualTo(
              new RegistryCredential(
                  "quay.io", "quay.io", "user", true, false, false, PW_FINGERPRINT));
    }

    @ParameterizedTest
    @EnumSource(PullSecretFormat.class)
    void stringDataIsPlainText(PullSecretFormat format) {
      String entry = q("'reg.example.com':{'username':'user','password':'pw'}");
      String payload = format == DOCKER_CONFIG_JSON ? auths(entry) : "{" + entry + "}";

      PullSecretView view =
          DockerConfigParser.parse(
              format.secretType(), Map.of(), Map.of(format.dataKey(), payload));

      assertThat(view.format()).isEqualTo(format);
      assertThat(view.problems()).isEmpty();
      assertThat(only(view).username()).isEqualTo("user");
      assertThat(only(view).passwordFingerprint()).isEqualTo(PW_FINGERPRINT);
    }

    @Test
    void stringDataWinsOverDataForTheSameKey() {
      PullSecretView view =
          DockerConfigParser.parse(
              JSON_TYPE,
              Map.of(JSON_KEY, b64(auths(q("'r':{'username':'from-data','password':'x'}")))),
              Map.of(JSON_KEY, auths(q("'r':{'username':'from-string-data','password':'x'}"))));

      assertThat(only(view).username()).isEqualTo("from-string-data");
    }

    @Test
    void dataIsNotCheckedWhenStringDataReplacesIt() {
      PullSecretView view =
          DockerConfigParser.parse(
              JSON_TYPE,
              Map.of(JSON_KEY, "not base64!"),
              Map.of(JSON_KEY, auths(q("'r':{'auth':'" + USER_PW + "'}"))));

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).username()).isEqualTo("user");
    }

    @Test
    void base64WrappedIntoLinesIsAcceptedAsByTheApiServer() {
      String encoded = b64(auths(q("'registry.example.com:5000':{'auth':'" + USER_PW + "'}")));
      String wrapped = encoded.substring(0, 20) + "\n" + encoded.substring(20) + "\r\n";

      PullSecretView view =
          DockerConfigParser.parse(JSON_TYPE, Map.of(JSON_KEY, wrapped), Map.of());

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).keyringKey()).isEqualTo("registry.example.com:5000");
    }

    @Test
    void invalidUtf8InThePayloadBecomesReplacementCharactersAsInGo() {
      byte[] payload = auths(q("'r':{'username':'u#','password':'pw'}")).getBytes(UTF_8);
      payload[new String(payload, UTF_8).indexOf('#')] = (byte) 0xFF; // never valid in UTF-8
      String encoded = Base64.getEncoder().encodeToString(payload);

      PullSecretView view =
          DockerConfigParser.parse(JSON_TYPE, Map.of(JSON_KEY, encoded), Map.of());

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).username()).isEqualTo("u\uFFFD");
    }

    @Test
    void theCallerSecretInfoKeepsTheView() {
      SecretInfo info =
          SecretInfo.from(
              new SecretBuilder()
                  .withNewMetadata()
                  .withNamespace("airbyte")
                  .withName("regcred")
                  .endMetadata()
                  .withType(JSON_TYPE)
                  .withData(Map.of(JSON_KEY, b64(auths(q("'ghcr.io':{'auth':'" + USER_PW + "'}")))))
                  .build());

      assertThat(info.pullSecret()).isNotNull();
      assertThat(info.pullSecret().usable()).isTrue();
    }
  }

  // --- secret-level problems -------------------------------------------------------------------

  @Nested
  class SecretLevel {
    static Stream<Arguments> unrelatedSecrets() {
      return Stream.of(
          arguments("Opaque", Map.of("password", b64("x")), Map.of()),
          arguments("kubernetes.io/tls", Map.of("tls.crt", "", "tls.key", ""), Map.of()),
          arguments("Opaque", Map.of(), Map.of("config.json", "{}")),
          arguments("", Map.of(), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("unrelatedSecrets")
    void secretsUnrelatedToPullsGiveNoView(
        String type, Map<String, String> data, Map<String, String> stringData) {
      assertThat(DockerConfigParser.parse(type, data, stringData)).isNull();
    }

    static Stream<Arguments> pullSecretKeyUnderAnotherType() {
      String payload = auths(q("'r':{'auth':'" + USER_PW + "'}"));
      return Stream.of(
          arguments("Opaque", Map.of(JSON_KEY, b64(payload)), Map.of()),
          arguments("Opaque", Map.of(), Map.of(CFG_KEY, "{}")),
          arguments("kubernetes.io/service-account-token", Map.of(JSON_KEY, ""), Map.of()),
          arguments("Kubernetes.io/DockerConfigJson", Map.of(JSON_KEY, b64(payload)), Map.of()),
          arguments("kubernetes.io/dockerconfigjson ", Map.of(JSON_KEY, b64(payload)), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("pullSecretKeyUnderAnotherType")
    void pullSecretKeyUnderAnotherTypeIsIgnoredByTheKubelet(
        String type, Map<String, String> data, Map<String, String> stringData) {
      PullSecretView view = DockerConfigParser.parse(type, data, stringData);

      assertThat(view.format()).isNull();
      assertThat(codes(view)).containsExactly(WRONG_TYPE);
      assertThat(view.credentials()).isEmpty();
      assertThat(view.usable()).isFalse();
      assertThat(view.breaksPulls()).isFalse();
    }

    static Stream<Arguments> missingPayloads() {
      return Stream.of(
          arguments(JSON_TYPE, Map.of(), Map.of()),
          arguments(JSON_TYPE, Map.of(JSON_KEY, ""), Map.of()),
          arguments(JSON_TYPE, Map.of(JSON_KEY, "\n"), Map.of()),
          arguments(JSON_TYPE, Map.of(JSON_KEY, b64("{}")), Map.of(JSON_KEY, "")),
          arguments(CFG_TYPE, Map.of("config.json", b64("{}")), Map.of()),
          arguments(CFG_TYPE, Map.of(), Map.of(CFG_KEY, "")));
    }

    @ParameterizedTest
    @MethodSource("missingPayloads")
    void missingOrEmptyPayloadKey(
        String type, Map<String, String> data, Map<String, String> stringData) {
      PullSecretView view = DockerConfigParser.parse(type, data, stringData);

      assertThat(codes(view)).containsExactly(MISSING_KEY);
      assertThat(view.format()).isNotNull();
      assertThat(view.usable()).isFalse();
    }

    @Test
    void nullMapValuesFromTheClusterCountAsMissing() {
      Map<String, String> data = new HashMap<>();
      data.put(JSON_KEY, null);

      assertThat(codes(DockerConfigParser.parse(JSON_TYPE, data, data)))
          .containsExactly(MISSING_KEY);
    }

    @ParameterizedTest
    @EnumSource(PullSecretFormat.class)
    void payloadUnderTheOtherFormatsKey(PullSecretFormat format) {
      String otherKey = format == DOCKER_CONFIG_JSON ? CFG_KEY : JSON_KEY;

      PullSecretView view =
          DockerConfigParser.parse(format.secretType(), Map.of(otherKey, b64("{}")), Map.of());

      assertThat(view.format()).isEqualTo(format);
      assertThat(codes(view)).containsExactly(WRONG_KEY);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "not base64!",
          "{\"auths\":{}}",
          "e30", // Go's StdEncoding, used by the API server, requires padding
          "e30=e30=",
          "e3 0=",
          "e30==",
          "=e30"
        })
    void dataThatIsNotBase64(String value) {
      PullSecretView view = DockerConfigParser.parse(JSON_TYPE, Map.of(JSON_KEY, value), Map.of());

      assertThat(codes(view)).containsExactly(DATA_NOT_BASE64);
      assertThat(view.format()).isEqualTo(DOCKER_CONFIG_JSON);
    }

    @Test
    void oversizedPayloadsAreNotRead() {
      String big =
          auths(q("'r':{'password':'" + "x".repeat(DockerConfigParser.MAX_PAYLOAD) + "'}"));

      assertThat(codes(json(big))).containsExactly(PAYLOAD_TOO_LARGE);
      assertThat(codes(DockerConfigParser.parse(CFG_TYPE, Map.of(), Map.of(CFG_KEY, big))))
          .containsExactly(PAYLOAD_TOO_LARGE);
      assertThat(
              codes(
                  DockerConfigParser.parse(
                      JSON_TYPE, Map.of(JSON_KEY, "A".repeat(3 << 20)), Map.of())))
          .containsExactly(PAYLOAD_TOO_LARGE);
    }

    @Test
    void payloadJustUnderTheCapIsRead() {
      String payload = auths(q("'r':{'auth':'" + USER_PW + "'}"));
      String padded = payload + " ".repeat(DockerConfigParser.MAX_PAYLOAD - payload.length());

      assertThat(json(padded).problems()).isEmpty();
    }
  }

  // --- JSON syntax and shape -------------------------------------------------------------------

  @Nested
  class Json {
    @Test
    void invalidJsonIsReportedByPositionOnly() {
      PullSecretView view = json("{\n  \"auths\": {\n    \"r\": {\"password\": hunter2}\n  }\n}");

      assertThat(view.credentials()).isEmpty();
      assertThat(view.problems()).hasSize(1);
      ParseProblem problem = view.problems().get(0);
      assertThat(problem.code()).isEqualTo(INVALID_JSON);
      assertThat(problem.registryKey()).isNull();
      assertThat(problem.line()).isEqualTo(3);
      assertThat(problem.column()).isEqualTo(23);
      assertThat(problem.describe()).doesNotContain("hunter2").contains("(line 3, column ");
      assertThat(view.breaksPulls()).isTrue();
    }

    static Stream<String> notJson() {
      return Stream.of(
          "   ",
          "{",
          "{\"auths\":",
          "{\"auths\":{\"r\":{\"auth\":\"" + USER_PW,
          "{} {}",
          "{}}",
          "{}x",
          "\uFEFF{}",
          "{'auths':{}}",
          "{\"auths\":{},}",
          "{\"a\":[1,]}",
          "{\"a\":01}",
          "{\"a\":NaN}",
          "{\"a\":\"tab\there\"}",
          "{\"a\":\"\\q\"}",
          "{auths:{}}",
          "// comment\n{}",
          "nul");
    }

    @ParameterizedTest
    @MethodSource("notJson")
    void invalidJsonInEitherFormat(String payload) {
      assertThat(codes(json(payload))).containsExactly(INVALID_JSON);
      assertThat(codes(cfg(payload))).containsExactly(INVALID_JSON);
    }

    static Stream<Arguments> wrongShapes() {
      return Stream.of(
          arguments("[]", null),
          arguments("\"auths\"", null),
          arguments("42", null),
          arguments(q("{'auths':[]}"), null),
          arguments(q("{'auths':'r'}"), null),
          arguments(q("{'HttpHeaders':'x','auths':{'r':{'auth':'" + USER_PW + "'}}}"), null),
          arguments(q("{'httpheaders':{'a':1},'auths':{'r':{'auth':'" + USER_PW + "'}}}"), null),
          arguments(auths(q("'r':'" + USER_PW + "'")), "r"),
          arguments(auths(q("'r':[]")), "r"),
          arguments(auths(q("'r':{'username':7,'password':'pw'}")), "r"),
          arguments(auths(q("'r':{'username':'u','password':true}")), "r"),
          arguments(auths(q("'r':{'auth':{'value':'" + USER_PW + "'}}")), "r"),
          arguments(auths(q("'r':{'auth':'" + USER_PW + "','email':['a@b.c']}")), "r"));
    }

    @ParameterizedTest
    @MethodSource("wrongShapes")
    void wrongJsonShapesBreakEveryPull(String payload, String registryKey) {
      PullSecretView view = json(payload);

      assertThat(view.problems())
          .filteredOn(p -> p.code() == WRONG_JSON_SHAPE)
          .singleElement()
          .satisfies(p -> assertThat(p.registryKey()).isEqualTo(registryKey));
      assertThat(view.breaksPulls()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"x\"", "{\"r\":\"x\"}", "{\"r\":1}"})
    void wrongDockercfgShapes(String payload) {
      assertThat(codes(cfg(payload))).contains(WRONG_JSON_SHAPE);
    }

    @Test
    void credsStoreInADockercfgIsReadAsABrokenEntry() {
      PullSecretView view = cfg(q("{'r':{'auth':'" + USER_PW + "'},'credsStore':'desktop'}"));

      assertThat(codes(view)).containsExactly(CREDENTIAL_HELPER_IGNORED, WRONG_JSON_SHAPE);
      assertThat(view.breaksPulls()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{}",
          "null",
          "{\"auths\":null}",
          "{\"registry.example.com\":{\"auth\":\"" + USER_PW + "\"}}",
          "{\"auths\":{\"r\":{\"auth\":\"" + USER_PW + "\"}},\"auths\":null}"
        })
    void missingAuths(String payload) {
      PullSecretView view = json(payload);

      assertThat(codes(view)).containsExactly(MISSING_AUTHS);
      assertThat(view.credentials()).isEmpty();
      assertThat(view.usable()).isFalse();
      assertThat(view.breaksPulls()).isFalse();
    }

    @Test
    void emptyAuths() {
      assertThat(codes(json("{\"auths\":{}}"))).containsExactly(EMPTY_AUTHS);
      assertThat(codes(cfg("{}"))).containsExactly(EMPTY_AUTHS);
      assertThat(codes(cfg("null"))).containsExactly(EMPTY_AUTHS);
    }

    @Test
    void authsWrapperInADockercfg() {
      PullSecretView view = cfg(auths(q("'r':{'auth':'" + USER_PW + "'}")));

      assertThat(codes(view)).containsExactly(AUTHS_IN_DOCKERCFG);
      assertThat(view.credentials()).isEmpty();
      assertThat(view.usable()).isFalse();
    }

    // The kubelet decodes the value under these .dockercfg keys as a registry entry, so fields of
    // it named like entry fields must decode, or the whole secret is rejected (config.go,
    // DockerConfigEntry.UnmarshalJSON; kubelet conformance cases "config.go/dockercfg ...").
    static Stream<Arguments> brokenUnlistedEntries() {
      return Stream.of(
          arguments(q("{'auths':{'auth':'pants'}}"), "auths", AUTH_NOT_BASE64),
          arguments(
              q("{'auths':{'r':{'auth':'" + USER_PW + "'},'Username':{}}}"),
              "auths",
              WRONG_JSON_SHAPE),
          arguments(
              q("{'credHelpers':{'auth':'" + b64("pants") + "'}}"), "credHelpers", AUTH_NO_COLON),
          arguments(q("{'credsStore':{'email':false}}"), "credsStore", WRONG_JSON_SHAPE));
    }

    @ParameterizedTest
    @MethodSource("brokenUnlistedEntries")
    void brokenAuthsOrHelperObjectInADockercfgBreaksEveryPull(
        String payload, String key, ProblemCode code) {
      PullSecretView view = cfg(payload);

      assertThat(view.breaksPulls()).isTrue();
      assertThat(view.problems())
          .filteredOn(ParseProblem::fatal)
          .singleElement()
          .satisfies(p -> assertThat(p.registryKey()).isEqualTo(key))
          .satisfies(p -> assertThat(p.code()).isEqualTo(code));
      assertThat(view.credentials()).isEmpty();
    }

    @Test
    void wellFormedHelperObjectsInADockercfgAreOnlyExplained() {
      PullSecretView view =
          cfg(
              q(
                  "{'r':{'auth':'"
                      + USER_PW
                      + "'},'credHelpers':{'gcr.io':'gcloud'},'credsStore':{}}"));

      assertThat(codes(view)).containsExactly(CREDENTIAL_HELPER_IGNORED, CREDENTIAL_HELPER_IGNORED);
      assertThat(view.credentials())
          .extracting(RegistryCredential::registryKey)
          .containsExactly("r");
    }

    @Test
    void fieldNamesMatchCaseInsensitivelyAsInGo() {
      PullSecretView upper = json(q("{'AUTHS':{'r':{'USERNAME':'u','Password':'pw'}}}"));
      PullSecretView folded = json(q("{'Auths':{'r':{'u\u017Fername':'u','password':'pw'}}}"));

      assertThat(upper.problems()).isEmpty();
      assertThat(only(upper).username()).isEqualTo("u");
      assertThat(only(folded).username()).isEqualTo("u");
    }

    @Test
    void duplicatesBehaveAsInGo() {
      PullSecretView sameEntry =
          json(auths(q("'r':{'auth':'" + USER_PW + "'},'r':{'username':'v','password':'x'}")));
      PullSecretView twoAuths =
          json(
              q(
                  "{'auths':{'a':{'auth':'"
                      + USER_PW
                      + "'}},'auths':{'b':{'auth':'"
                      + USER_PW
                      + "'}}}"));
      PullSecretView fields =
          json(
              auths(q("'r':{'username':'a','USERNAME':'b','auth':'" + USER_PW + "','auth':null}")));

      assertThat(only(sameEntry).username()).isEqualTo("v");
      assertThat(twoAuths.credentials())
          .extracting(RegistryCredential::registryKey)
          .containsExactly("a", "b");
      assertThat(only(fields).username()).isEqualTo("user");
      assertThat(only(fields).hasAuth()).isTrue();
      assertThat(codes(fields)).containsExactly(AUTH_MISMATCH);
    }

    @Test
    void unknownFieldsOfAnyTypeAreIgnored() {
      PullSecretView view =
          json(
              q(
                  "{'auths':{'r':{'auth':'"
                      + USER_PW
                      + "','serveraddress':{'x':[1,2.5e3,null]}}},"
                      + "'HttpHeaders':{'User-Agent':'x','X-Null':null},'experimental':true}"));

      assertThat(view.problems()).isEmpty();
      assertThat(view.usable()).isTrue();
    }

    @Test
    void nestingIsLimitedWhereGoLimitsIt() {
      String deepOk = "[".repeat(9_000) + "]".repeat(9_000);
      String tooDeep = "[".repeat(10_001) + "]".repeat(10_001);
      String entry = q("'r':{'auth':'" + USER_PW + "'}");

      assertThat(json(q("{'x':" + deepOk + ",'auths':{" + entry + "}}")).problems()).isEmpty();
      assertThat(codes(json(q("{'x':" + tooDeep + ",'auths':{" + entry + "}}"))))
          .containsExactly(INVALID_JSON);
    }

    @Test
    void longNumbersAreValidJsonAsInGo() {
      String payload =
          q("{'x':" + "9".repeat(5_000) + ",'auths':{'r':{'auth':'" + USER_PW + "'}}}");

      assertThat(json(payload).problems()).isEmpty();
    }

    @Test
    void problemsComeInPayloadOrder() {
      PullSecretView view =
          json(
              q(
                  "{'credsStore':'desktop','auths':{"
                      + "'bad host':{'auth':'"
                      + USER_PW
                      + "'},'b':{'auth':'"
                      + USER_PW
                      + "','identitytoken':'t'},'c':{}}}"));

      assertThat(codes(view))
          .containsExactly(
              CREDENTIAL_HELPER_IGNORED, INVALID_REGISTRY_KEY, TOKEN_FIELD_IGNORED, NO_CREDENTIALS);
      assertThat(view.problems())
          .extracting(ParseProblem::registryKey)
          .containsExactly(null, "bad host", "b", "c");
    }
  }

  // --- auth, username and password ------------------------------------------------------------

  @Nested
  class Credentials {
    @Test
    void authOverridesUsernameAndPassword() {
      PullSecretView view =
          json(auths(q("'r':{'username':'foo','password':'bar','auth':'cGluZzpwb25n'}")));

      RegistryCredential credential = only(view);
      assertThat(credential.username()).isEqualTo("ping");
      assertThat(credential.passwordFingerprint()).isEqualTo(fingerprint("pong"));
      assertThat(codes(view)).containsExactly(AUTH_MISMATCH);
      assertThat(view.breaksPulls()).isFalse();
    }

    @Test
    void authMismatchOnThePasswordAlone() {
      PullSecretView view =
          json(auths(q("'r':{'username':'user','password':'bar','auth':'" + USER_PW + "'}")));

      assertThat(codes(view)).containsExactly(AUTH_MISMATCH);
    }

    @Test
    void usernameAndPasswordAreUsedWithoutAuth() {
      RegistryCredential credential =
          only(json(auths(q("'r':{'username':'user','password':'pw'}"))));

      assertThat(credential.username()).isEqualTo("user");
      assertThat(credential.hasAuth()).isFalse();
      assertThat(credential.hasUsername()).isTrue();
      assertThat(credential.hasPassword()).isTrue();
      assertThat(credential.passwordFingerprint()).isEqualTo(PW_FINGERPRINT);
    }

    @Test
    void passwordMayHoldColons() {
      RegistryCredential credential = only(json(auths(q("'r':{'auth':'dXNlcjpwYTpzcw=='}"))));

      assertThat(credential.username()).isEqualTo("user");
      assertThat(credential.passwordFingerprint()).isEqualTo(fingerprint("pa:ss"));
    }

    @Test
    void usernameWithoutPasswordHasNoFingerprint() {
      PullSecretView view = json(auths(q("'r':{'username':'user'}")));

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).username()).isEqualTo("user");
      assertThat(only(view).passwordFingerprint()).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "dXNlcjpwdw==",
          "dXNlcjpwdw", // unpadded: RawStdEncoding, as current kubelets decode it
          "dXNlcjpwdw==\n",
          "dXNl\r\ncjpwdw==",
          "dXNlcjpwdx==" // non-zero trailing bits: Go does not check them
        })
    void authIsDecodedAsTheKubeletDecodesIt(String auth) {
      PullSecretView view =
          json(auths(q("'r':{'auth':'" + auth.replace("\n", "\\n").replace("\r", "\\r") + "'}")));

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).username()).isEqualTo("user");
      assertThat(only(view).passwordFingerprint()).isEqualTo(PW_FINGERPRINT);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "pants",
          "cGluZzpwb25n!",
          "cGluZzpwb25n=",
          "dXNlcjpwdw=",
          "dXNlcjpwdw===",
          "dXNl cjpwdw==",
          "dXNlcjpwdw==dXNl",
          "=dXNlcjpwdw",
          "dXNlcjpwdw==\\t",
          "dXNlcjpwdw-_",
          "dXNlcjpw\\u00e9w=="
        })
    void authThatIsNotBase64BreaksEveryPull(String auth) {
      PullSecretView view =
          json(auths(q("'r':{'username':'u','password':'p','auth':'" + auth + "'}")));

      assertThat(codes(view)).containsExactly(AUTH_NOT_BASE64);
      assertThat(view.breaksPulls()).isTrue();
      RegistryCredential credential = only(view);
      assertThat(credential.hasAuth()).isTrue();
      assertThat(credential.username()).isNull();
      assertThat(credential.passwordFingerprint()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cGFudHM=", "cGFudHM", "\\n"})
    void authWithoutColonBreaksEveryPull(String auth) {
      PullSecretView view = json(auths(q("'r':{'auth':'" + auth + "'}")));

      assertThat(codes(view)).containsExactly(AUTH_NO_COLON);
      assertThat(view.breaksPulls()).isTrue();
      assertThat(only(view).username()).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{}",
          "null",
          "{\"email\":\"a@b.c\"}",
          "{\"username\":\"\",\"password\":\"\",\"auth\":\"\"}",
          "{\"auth\":\"Og==\"}"
        })
    void entriesWithoutCredentials(String entry) {
      PullSecretView view = json(auths("\"r\":" + entry));

      assertThat(codes(view)).containsExactly(NO_CREDENTIALS);
      assertThat(only(view).username()).isNull();
      assertThat(only(view).passwordFingerprint()).isNull();
      assertThat(only(view).keyringKey()).isEqualTo("r");
    }

    @Test
    void fingerprintIsTheSameWhetherThePasswordComesFromAuthOrAField() {
      String fromAuth =
          only(json(auths(q("'r':{'auth':'" + b64("a:s3cret") + "'}")))).passwordFingerprint();
      String fromField =
          only(cfg(q("{'r':{'username':'b','password':'s3cret'}}"))).passwordFingerprint();

      assertThat(fromAuth).isEqualTo(fromField).isEqualTo(fingerprint("s3cret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"identitytoken", "registrytoken", "IdentityToken"})
    void tokenFieldsAreIgnored(String field) {
      PullSecretView view =
          json(auths(q("'r':{'auth':'" + USER_PW + "','" + field + "':'t0k3n'}")));

      assertThat(view.problems())
          .singleElement()
          .satisfies(p -> assertThat(p.code()).isEqualTo(TOKEN_FIELD_IGNORED))
          .satisfies(p -> assertThat(p.registryKey()).isEqualTo("r"));
    }

    @Test
    void emptyTokenFieldsAreNoProblem() {
      PullSecretView view =
          json(auths(q("'r':{'auth':'" + USER_PW + "','identitytoken':'','registrytoken':null}")));

      assertThat(view.problems()).isEmpty();
    }

    @Test
    void credentialHelpersAreIgnored() {
      PullSecretView view =
          json(
              q(
                  "{'auths':{'r':{'auth':'"
                      + USER_PW
                      + "'}},'credsStore':'desktop','credHelpers':{'gcr.io':'gcloud'}}"));

      assertThat(codes(view)).containsExactly(CREDENTIAL_HELPER_IGNORED, CREDENTIAL_HELPER_IGNORED);
      assertThat(view.usable()).isTrue();
    }
  }

  // --- registry keys ---------------------------------------------------------------------------

  @Nested
  class RegistryKeyNormalisation {
    static Stream<Arguments> keys() {
      return Stream.of(
          arguments("https://index.docker.io/v1/", "index.docker.io"),
          arguments("https://index.docker.io/v2/", "index.docker.io"),
          arguments("index.docker.io", "index.docker.io"),
          arguments("docker.io", "docker.io"),
          arguments("http://10.0.0.5:5000", "10.0.0.5:5000"),
          arguments("registry.example.com:5000/team/", "registry.example.com:5000/team/"),
          arguments("quay.io/coreos", "quay.io/coreos"),
          arguments("https://quay.io/v1/coreos", "quay.io/coreos"),
          arguments("https://quay.io/v1", "quay.io/v1"),
          arguments("https://quay.io/", "quay.io"),
          arguments("*.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.us-east-1.amazonaws.com"),
          arguments("GHCR.IO", "GHCR.IO"),
          arguments("host/a%2Fb", "host/a/b"),
          arguments("host?x=1", "host"),
          arguments("host#frag", "host"),
          arguments("registry.example.com:", "registry.example.com:"),
          arguments("[::1]:5000/x", "[::1]:5000/x"),
          arguments("[fe80::1%25eth0]", "[fe80::1%eth0]"),
          arguments("[::ffff:10.0.0.1]", "[::ffff:10.0.0.1]"),
          arguments("%C3%A9xample.com", "\u00e9xample.com"),
          arguments("\u00e9xample.com", "\u00e9xample.com"),
          arguments("user@host", "host"),
          arguments("HTTPS://host", "HTTPS://host"),
          arguments("", ""));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void keyringKeyIsWhatBasicDockerKeyringAddIndexes(String key, String keyringKey) {
      PullSecretView view = json(auths("\"" + key + "\":{\"auth\":\"" + USER_PW + "\"}"));

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).keyringKey()).isEqualTo(keyringKey);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "registry:abc",
          "registry:5000:5000",
          "::1",
          "reg istry.io",
          "host/%zz",
          "host/%4",
          "host#%zz",
          "host{x}",
          "ho|st",
          "%41host",
          "[1.2.3.4]",
          "[registry]",
          "[::1",
          "[::1]x",
          "[::1]:5000[",
          "[fe80::1%25]",
          "[fe80::1%25%0A]",
          "[::1:2:3:4:5:6:7:8]",
          "[1::2::3]",
          "[::12345]",
          "u^x@host",
          "us\u00e9r@host",
          "user:p%zz@host"
        })
    void keysThatUrlParseRejectsAreSkipped(String key) {
      PullSecretView view = json(auths(q("'" + key + "':{'auth':'" + USER_PW + "'}")));

      assertThat(codes(view)).containsExactly(INVALID_REGISTRY_KEY);
      assertThat(only(view).keyringKey()).isNull();
      assertThat(view.usable()).isFalse();
      assertThat(view.breaksPulls()).isFalse();
    }

    @Test
    void controlCharactersMakeAKeyInvalid() {
      PullSecretView view = json(auths("\"ho\\u0001st\":{\"auth\":\"" + USER_PW + "\"}"));

      assertThat(codes(view)).containsExactly(INVALID_REGISTRY_KEY);
    }

    static Stream<Arguments> keysWithUserinfo() {
      return Stream.of(
          arguments("https://user:pass@reg.io/path", "https://REDACTED@reg.io/path", "reg.io/path"),
          arguments("user:pass@reg.io", "REDACTED@reg.io", "reg.io"),
          arguments("https://u:p@ss@reg.io", "https://REDACTED@reg.io", "reg.io"),
          arguments("https://u:pa/ss@reg.io", "https://REDACTED@reg.io", null),
          arguments("HTTPS://u:pw@reg.io", "HTTPS://REDACTED@reg.io", "HTTPS://REDACTED@reg.io"),
          arguments(
              "https://https://u:pw@reg.io", "https://REDACTED@reg.io", "https://REDACTED@reg.io"));
    }

    @ParameterizedTest
    @MethodSource("keysWithUserinfo")
    void userinfoInKeysIsRedacted(String key, String shown, String keyringKey) {
      PullSecretView view = json(auths(q("'" + key + "':{}")));

      assertThat(only(view).registryKey()).isEqualTo(shown);
      assertThat(only(view).keyringKey()).isEqualTo(keyringKey);
      assertThat(view.problems()).allSatisfy(p -> assertThat(p.registryKey()).isEqualTo(shown));
      assertThat(view.toString()).doesNotContain("u:p", ":pass");
    }
  }

  // --- hostile input ---------------------------------------------------------------------------

  @Nested
  class HostileInput {
    private static final String CANARY = "CANARY-s3cr3t-7f3a";
    private static final String CANARY_B64 = b64(CANARY);

    /**
     * Also its fragments: Jackson's messages quote a bad token only up to a delimiter such as
     * {@code -}, so a leaked message would show {@code CANARY} but not the whole canary.
     */
    private static final String[] CANARY_FORMS = {CANARY, CANARY_B64, "CANARY", "s3cr3t"};

    static Stream<Arguments> canaryPayloads() {
      String c = CANARY;
      String cb = CANARY_B64;
      return Stream.of(
          // broken JSON around the secret
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":" + c + "}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":\"" + c),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":\"" + cb + "\"}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":" + cb + "}}}"),
          arguments(CFG_TYPE, "{\"r\":{\"password\":" + cb + "}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":'" + c + "'}}}"),
          arguments(JSON_TYPE, c),
          arguments(JSON_TYPE, "{\"" + c + "\" 1}"),
          arguments(JSON_TYPE, "{\"auths\":{}} " + c),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":\"" + c + "\\x\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":\"" + c + "\n\"}}}"),
          arguments(JSON_TYPE, "[\"" + c + "\"," + c + "]"),
          arguments(CFG_TYPE, "{\"r\":{\"password\":" + c + "}}"),
          arguments(CFG_TYPE, "{\"r\":{\"auth\":\"" + cb),
          // valid JSON, bad auth
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":\"" + c + "\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":\"" + cb + "\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":\"" + cb + "!\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":\"" + b64("x" + c) + "\"}}}"),
          arguments(CFG_TYPE, "{\"r\":{\"auth\":\"" + b64(c) + "\"}}"),
          // valid JSON, secrets in other places
          arguments(
              JSON_TYPE, "{\"auths\":{\"r\":{\"username\":\"u\",\"password\":\"" + c + "\"}}}"),
          arguments(
              JSON_TYPE,
              "{\"auths\":{\"r\":{\"auth\":\"" + b64("user:" + c) + "\",\"password\":\"x\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":[\"" + c + "\"]}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"auth\":{\"v\":\"" + cb + "\"}}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":\"" + c + "\"}}"),
          arguments(JSON_TYPE, "{\"auths\":\"" + cb + "\"}"),
          arguments(JSON_TYPE, "\"" + c + "\""),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"identitytoken\":\"" + c + "\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"registrytoken\":\"" + cb + "\"}}}"),
          arguments(JSON_TYPE, "{\"credsStore\":\"" + c + "\",\"auths\":{}}"),
          arguments(JSON_TYPE, "{\"HttpHeaders\":{\"X\":[\"" + c + "\"]},\"auths\":{}}"),
          arguments(JSON_TYPE, "{\"" + c + "\":{\"auth\":\"" + USER_PW + "\"}}"),
          arguments(CFG_TYPE, "{\"credsStore\":\"" + c + "\"}"),
          arguments(CFG_TYPE, "{\"auths\":{\"r\":{\"password\":\"" + c + "\"}}}"),
          // secrets in registry keys' userinfo
          arguments(JSON_TYPE, "{\"auths\":{\"https://u:" + c + "@reg.io\":{}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"u:" + c + "@reg.io:abc\":{}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"HTTPS://u:" + c + "@reg.io\":{}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"u:" + c + "/x@reg.io\":{}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"u:" + cb + "?#@reg.io\":{}}}"),
          // payloads the kubelet never reads
          arguments("Opaque", "{\"auths\":{\"r\":{\"password\":\"" + c + "\"}}}"),
          arguments(JSON_TYPE, "{\"auths\":{\"r\":{\"password\":\"" + c + "x".repeat(1 << 20)));
    }

    @ParameterizedTest
    @MethodSource("canaryPayloads")
    void canaryNeverLeaks(String type, String payload) {
      String key = type.equals(CFG_TYPE) ? CFG_KEY : JSON_KEY;
      List<PullSecretView> views = new ArrayList<>();
      views.add(DockerConfigParser.parse(type, Map.of(key, b64(payload)), Map.of()));
      views.add(DockerConfigParser.parse(type, Map.of(), Map.of(key, payload)));
      views.add(DockerConfigParser.parse(type, Map.of(key, payload), Map.of()));
      views.add(
          DockerConfigParser.parse(
              type.equals(CFG_TYPE) ? JSON_TYPE : CFG_TYPE, Map.of(key, b64(payload)), Map.of()));

      for (PullSecretView view : views) {
        assertThat(view).isNotNull();
        List<String> shown = new ArrayList<>();
        shown.add(view.toString());
        view.problems().forEach(p -> shown.add(p.describe()));
        assertThat(shown).allSatisfy(text -> assertThat(text).doesNotContain(CANARY_FORMS));
      }
    }

    @Test
    void canaryInAValidPasswordShowsOnlyAsAFingerprint() {
      PullSecretView view = json(auths(q("'r':{'username':'u','password':'" + CANARY + "'}")));

      assertThat(view.problems()).isEmpty();
      assertThat(only(view).passwordFingerprint())
          .isEqualTo(fingerprint(CANARY))
          .matches("hmac:[0-9a-f]{12}");
      assertThat(view.toString()).doesNotContain(CANARY_FORMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {JSON_TYPE, "Opaque"})
    void unexpectedFailuresAreReportedNotThrown(String type) {
      Map<String, String> exploding =
          new AbstractMap<>() {
            @Override
            public Set<Map.Entry<String, String>> entrySet() {
              throw new IllegalStateException(CANARY);
            }
          };

      PullSecretView view = DockerConfigParser.parse(type, exploding, Map.of());

      assertThat(codes(view)).containsExactly(ProblemCode.ANALYSIS_FAILED);
      assertThat(view.breaksPulls()).isFalse();
      assertThat(view.problems().get(0).describe()).doesNotContain(CANARY_FORMS);
    }

    @Test
    void garbageNeverThrows() {
      Random random = new Random(20_260_101L);
      String rich =
          q(
              "{'auths':{'https://u:p@reg.example.com:5000/v2/team':{'username':'u','password':'p',"
                  + "'auth':'"
                  + USER_PW
                  + "','email':'e','identitytoken':'t'},'[::1]':null,'r':{}},"
                  + "'HttpHeaders':{'a':'b'},'credsStore':'x','credHelpers':{}}");
      String alphabet = "{}[]\":,'\\ \n\tabcnulltrue0129.eE+-/@%#?[]:=auths";
      List<String> inputs = new ArrayList<>();
      for (int i = 0; i <= rich.length(); i++) {
        inputs.add(rich.substring(0, i));
        if (i < rich.length()) {
          char[] mutated = rich.toCharArray();
          mutated[i] = alphabet.charAt(random.nextInt(alphabet.length()));
          inputs.add(new String(mutated));
          inputs.add(rich.substring(0, i) + rich.substring(i + 1));
        }
      }
      for (int i = 0; i < 2_000; i++) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(80);
        for (int j = 0; j < length; j++) {
          text.append(
              random.nextInt(8) == 0
                  ? (char) random.nextInt(0x3000)
                  : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        inputs.add(text.toString());
        inputs.add(auths("\"" + text.toString().replace("\"", "").replace("\\", "") + "\":{}"));
        inputs.add(
            auths(
                "\"r\":{\"auth\":\""
                    + text.toString().replace("\"", "").replace("\\", "")
                    + "\"}"));
      }
      for (String input : inputs) {
        for (PullSecretFormat format : PullSecretFormat.values()) {
          List<PullSecretView> views =
              List.of(
                  DockerConfigParser.parse(
                      format.secretType(), Map.of(), Map.of(format.dataKey(), input)),
                  DockerConfigParser.parse(
                      format.secretType(), Map.of(format.dataKey(), b64(input)), Map.of()),
                  DockerConfigParser.parse(
                      format.secretType(), Map.of(format.dataKey(), input), Map.of()));
          for (PullSecretView view : views) {
            assertThat(codes(view)).doesNotContain(ProblemCode.ANALYSIS_FAILED);
          }
        }
      }
    }
  }
}
