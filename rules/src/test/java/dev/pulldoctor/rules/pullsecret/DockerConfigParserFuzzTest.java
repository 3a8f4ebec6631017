package dev.pulldoctor.rules.pullsecret;

import static dev.pulldoctor.rules.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.rules.FuzzInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes the pull-secret parser with hostile payloads. Regression mode (every build) replays the
 * seeds under {@code DockerConfigParserFuzzTestInputs/payload/}; docs/reliability.md has the
 * command for a fuzzing run.
 *
 * <p>Input layout: byte 0 holds flags ({@code '0'}: {@code .dockerconfigjson} in {@code
 * stringData}; bit 0 set: the legacy {@code .dockercfg} type; bit 1: the payload base64-encoded in
 * {@code data}; bit 2: the payload put in {@code data} as it is, to fuzz the base64 decoder); byte
 * 1 says where the canary goes (0–255 of the payload length); the rest is the payload.
 */
class DockerConfigParserFuzzTest {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  private static final Pattern INDEX_KEY_REDACTED =
      Pattern.compile("^(REDACTED|[A-Za-z][A-Za-z0-9+.-]*:)/+REDACTED@[^@]*$");

  @FuzzTest(maxDuration = "5m")
  void payload(byte[] bytes) {
    FuzzInput input = FuzzInput.of(bytes);
    PullSecretFormat format =
        input.flag(0, 0) ? PullSecretFormat.DOCKER_CFG : PullSecretFormat.DOCKER_CONFIG_JSON;
    byte[] payload = FuzzInput.withCanary(input.rest(2), input.unsigned(1));
    Map<String, String> data = Map.of();
    Map<String, String> stringData = Map.of();
    if (input.flag(0, 2)) {
      data = Map.of(format.dataKey(), new String(payload, StandardCharsets.ISO_8859_1));
    } else if (input.flag(0, 1)) {
      data = Map.of(format.dataKey(), Base64.getEncoder().encodeToString(payload));
    } else {
      stringData = Map.of(format.dataKey(), new String(payload, StandardCharsets.UTF_8));
    }

    PullSecretView view = DockerConfigParser.parse(format.secretType(), data, stringData);

    if (view == null) {
      throw new AssertionError("a pull-secret type always gives a view");
    }
    // The parser catches its own bugs as ANALYSIS_FAILED; under fuzzing that is a finding.
    for (ParseProblem problem : view.problems()) {
      if (problem.code() == ProblemCode.ANALYSIS_FAILED) {
        throw new AssertionError("the parser failed on its input");
      }
      assertNoCanary("a problem message", problem.message());
      assertRedacted(problem.registryKey());
      if (problem.line() < 0 || problem.column() < 0) {
        throw new AssertionError("negative position " + problem.describe());
      }
    }
    for (RegistryCredential credential : view.credentials()) {
      assertRedacted(credential.registryKey());
      assertRedacted(credential.keyringKey());
      String fingerprint = credential.passwordFingerprint();
      if (fingerprint != null && !fingerprint.matches("hmac:[0-9a-f]{12}")) {
        throw new AssertionError("fingerprint " + fingerprint);
      }
    }
    // Output is bounded by the input: no entry or problem appears from nothing.
    int limit = payload.length + 16;
    if (view.credentials().size() > limit || view.problems().size() > limit) {
      throw new AssertionError("more results than input bytes");
    }
  }

  /**
   * A registry key may show the canary (keys are not secret) in its scheme, host or path, but never
   * in userinfo: everything between the scheme and the last {@code @} is {@code REDACTED}.
   */
  private static void assertRedacted(@Nullable String key) {
    if (key == null || key.indexOf('@') < 0) {
      return;
    }
    Matcher scheme = SCHEME.matcher(key);
    int userinfo = scheme.find() ? scheme.end() : 0;
    if (key.startsWith("REDACTED@", userinfo) && key.lastIndexOf('@') == userinfo + 8) {
      return;
    }
    // An index key whose '@' is in its path keeps a left-over scheme or REDACTED as its host.
    if (!INDEX_KEY_REDACTED.matcher(key).find()) {
      throw new AssertionError("userinfo of a registry key shown: " + key);
    }
  }
}
