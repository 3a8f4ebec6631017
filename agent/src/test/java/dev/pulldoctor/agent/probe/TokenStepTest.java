package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.pullsecret.Login;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token exchange alone, against a scripted token service on loopback. */
class TokenStepTest {
  private static final Login LOGIN = new Login("regcred", "r.example", "robot", "pw-1234");

  @Test
  void without_a_challenge_the_probe_goes_on_anonymously() throws Exception {
    ProbeStepResult result =
        step("127.0.0.1:5000").authorize(null, "team/x", LOGIN, new ArrayList<>());

    assertThat(result).isEqualTo(new ProbeStepResult.Proceed(null));
  }

  @Test
  void a_basic_challenge_sends_the_login_on_every_request() throws Exception {
    Challenge basic = Challenge.parse("Basic realm=\"registry\"");

    assertThat(step("127.0.0.1:5000").authorize(basic, "team/x", LOGIN, new ArrayList<>()))
        .isEqualTo(new ProbeStepResult.Proceed(AuthorizationHeader.basic(LOGIN)));
    assertThat(step("127.0.0.1:5000").authorize(basic, "team/x", null, new ArrayList<>()))
        .isEqualTo(new ProbeStepResult.Proceed(null));
  }

  @Test
  void another_scheme_ends_the_probe_before_the_manifest() throws Exception {
    ProbeStepResult result =
        step("127.0.0.1:5000")
            .authorize(Challenge.parse("Negotiate"), "team/x", LOGIN, new ArrayList<>());

    ProbeStepResult.Finished finished = (ProbeStepResult.Finished) result;
    assertThat(finished.access().outcome()).isEqualTo(AccessOutcome.ERROR);
    assertThat(finished.access().detail()).contains("Negotiate");
    assertThat(finished.manifest().outcome()).isEqualTo(ManifestOutcome.NOT_CHECKED);
    assertThat(finished.manifest().detail()).startsWith("no token to ask with: ");
  }

  @Test
  void a_token_is_fetched_with_the_login_for_pull_scope_and_kept_as_a_secret() throws Exception {
    try (FakeRegistry realm =
        FakeRegistry.http(
            request -> FakeRegistry.Answer.of(200, Map.of(), "{\"access_token\":\"tok-5678\"}"))) {
      List<String> secrets = new ArrayList<>();
      Challenge bearer =
          Challenge.parse("Bearer realm=\"" + realm.base() + "/token\",service=\"my registry\"");

      ProbeStepResult result = step(realm.host()).authorize(bearer, "team/x", LOGIN, secrets);

      assertThat(result).isEqualTo(new ProbeStepResult.Proceed("Bearer tok-5678"));
      assertThat(secrets).containsExactly("tok-5678");
      assertThat(realm.requests())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.path())
                    .isEqualTo("/token?service=my+registry&scope=repository%3Ateam%2Fx%3Apull");
                assertThat(r.authorization()).isEqualTo(AuthorizationHeader.basic(LOGIN));
              });
    }
  }

  @Test
  void a_refused_token_request_rejects_the_credentials() throws Exception {
    try (FakeRegistry realm =
        FakeRegistry.http(request -> FakeRegistry.Answer.of(401, Map.of(), ""))) {
      Challenge bearer = Challenge.parse("Bearer realm=\"" + realm.base() + "/token\"");

      ProbeStepResult result =
          step(realm.host()).authorize(bearer, "team/x", LOGIN, new ArrayList<>());

      ProbeStepResult.Finished finished = (ProbeStepResult.Finished) result;
      assertThat(finished.access().outcome()).isEqualTo(AccessOutcome.REJECTED);
      assertThat(finished.access().httpStatus()).isEqualTo(401);
    }
  }

  @Test
  void a_realm_the_policy_does_not_trust_never_sees_the_credentials() throws Exception {
    try (FakeRegistry realm =
        FakeRegistry.http(request -> FakeRegistry.Answer.of(200, Map.of(), "{\"token\":\"t\"}"))) {
      Challenge bearer = Challenge.parse("Bearer realm=\"" + realm.base() + "/token\"");

      // the registry is another port of the same host: the realm may be another service
      ProbeStepResult result =
          step("127.0.0.1:1").authorize(bearer, "team/x", LOGIN, new ArrayList<>());

      assertThat(((ProbeStepResult.Finished) result).access().outcome())
          .isEqualTo(AccessOutcome.WITHHELD);
      assertThat(realm.requests()).isEmpty();
    }
  }

  @Test
  void the_scope_is_added_to_the_realm_query() {
    assertThat(TokenStep.tokenUri(URI.create("https://auth.example/token?a=1"), null, "x/y"))
        .hasToString("https://auth.example/token?a=1&scope=repository%3Ax%2Fy%3Apull");
  }

  @Test
  void a_token_that_could_break_a_header_is_no_token() {
    assertThat(TokenStep.token(answer("{\"token\":\"a\\r\\nX-Evil: 1\"}"))).isNull();
    assertThat(TokenStep.token(answer("{\"token\":\"\",\"access_token\":\"b\"}"))).isEqualTo("b");
    assertThat(TokenStep.token(answer("not json"))).isNull();
  }

  private static HttpResponse answer(String body) {
    return new HttpResponse(
        URI.create("https://auth.example/token"),
        200,
        Map.of(),
        body.getBytes(StandardCharsets.UTF_8),
        false);
  }

  /** The step for a registry at {@code registry} on loopback, spoken to over plain HTTP. */
  private static TokenStep step(String registry) {
    ProbePolicy policy =
        ProbePolicy.defaults()
            .allowing(List.of("127.0.0.0/8"))
            .withInsecureRegistries(List.of("127.0.0.1"))
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    RegistryHttpClient http =
        new RegistryHttpClient(
            policy,
            StubResolver.empty(),
            new RecordingConnector(),
            TlsSupport.system(),
            Proxies.none(),
            "test");
    return new TokenStep(http, RegistryEndpoint.of(registry, policy));
  }
}
