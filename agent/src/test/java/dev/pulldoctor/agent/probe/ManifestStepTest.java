package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import dev.pulldoctor.rules.pullsecret.Login;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The manifest lookup alone, against a scripted registry on loopback. */
class ManifestStepTest {
  private static final Login LOGIN = new Login("regcred", "r.example", "robot", "pw-1234");
  private static final String INDEX =
      "{\"manifests\":[{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
          + "\"variant\":\"v8\"}},{\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";

  @Test
  void an_index_found_names_its_platforms_and_the_credentials_are_accepted() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.http(request -> FakeRegistry.Answer.of(200, Map.of(), INDEX))) {
      ProbeStepResult.Finished found = lookUp(registry, null, LOGIN, "Basic x");

      assertThat(found.access().outcome()).isEqualTo(AccessOutcome.ACCEPTED);
      assertThat(found.manifest().outcome()).isEqualTo(ManifestOutcome.FOUND);
      assertThat(found.manifest().platforms())
          .containsExactly(new Platform("linux", "arm64", "v8"));
      assertThat(registry.requests())
          .extracting(FakeRegistry.Request::method, FakeRegistry.Request::authorization)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("HEAD", "Basic x"),
              org.assertj.core.groups.Tuple.tuple("GET", "Basic x"));
    }
  }

  @Test
  void a_401_after_a_bearer_token_is_no_pull_access_and_the_image_unknown() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.http(request -> FakeRegistry.Answer.of(401, Map.of(), ""))) {
      ProbeStepResult.Finished found =
          lookUp(registry, Challenge.parse("Bearer realm=\"x\""), LOGIN, "Bearer t");

      assertThat(found.access().outcome()).isEqualTo(AccessOutcome.NO_PULL_ACCESS);
      assertThat(found.manifest().outcome()).isEqualTo(ManifestOutcome.DENIED);
    }
  }

  @Test
  void manifest_unknown_of_a_missing_repository_is_told_apart_by_the_tag_list() throws Exception {
    Function<FakeRegistry.Request, FakeRegistry.Answer> script =
        request ->
            FakeRegistry.Answer.of(
                404,
                Map.of(),
                request.path().contains("/tags/list")
                    ? "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}"
                    : "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
    try (FakeRegistry registry = FakeRegistry.http(script)) {
      ProbeStepResult.Finished found = lookUp(registry, null, null, null);

      assertThat(found.access().outcome()).isEqualTo(AccessOutcome.ANONYMOUS_ACCEPTED);
      assertThat(found.manifest().outcome()).isEqualTo(ManifestOutcome.MISSING_REPOSITORY);
      assertThat(found.manifest().errorCode()).isEqualTo("NAME_UNKNOWN");
    }
  }

  @Test
  void a_missing_tag_names_real_tags() throws Exception {
    Function<FakeRegistry.Request, FakeRegistry.Answer> script =
        request ->
            request.path().contains("/tags/list")
                ? FakeRegistry.Answer.of(200, Map.of(), "{\"tags\":[\"1.0\",\"bad tag\",\"2.0\"]}")
                : FakeRegistry.Answer.of(
                    404, Map.of(), "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
    try (FakeRegistry registry = FakeRegistry.http(script)) {
      ProbeStepResult.Finished found = lookUp(registry, null, null, null);

      assertThat(found.manifest().outcome()).isEqualTo(ManifestOutcome.MISSING_TAG);
      assertThat(found.manifest().detail()).isEqualTo("tags in the repository include 1.0, 2.0");
    }
  }

  @Test
  void a_404_error_code_says_what_is_missing() {
    assertThat(ManifestStep.missingOutcome("MANIFEST_UNKNOWN"))
        .isEqualTo(ManifestOutcome.MISSING_TAG);
    assertThat(ManifestStep.missingOutcome("NAME_UNKNOWN"))
        .isEqualTo(ManifestOutcome.MISSING_REPOSITORY);
    assertThat(ManifestStep.missingOutcome(null)).isEqualTo(ManifestOutcome.NOT_FOUND);
  }

  private static ProbeStepResult.Finished lookUp(
      FakeRegistry registry,
      @org.jspecify.annotations.Nullable Challenge challenge,
      @org.jspecify.annotations.Nullable Login login,
      @org.jspecify.annotations.Nullable String authorization)
      throws Exception {
    ProbePolicy policy =
        ProbePolicy.defaults()
            .allowing(List.of("127.0.0.0/8"))
            .withInsecureRegistries(List.of(registry.host()))
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    RegistryHttpClient http =
        new RegistryHttpClient(
            policy,
            StubResolver.empty(),
            new RecordingConnector(),
            TlsSupport.system(),
            Proxies.none(),
            "test");
    ManifestStep step = new ManifestStep(http, RegistryEndpoint.of(registry.host(), policy));
    return step.lookUp(
        Probes.target(registry.host() + "/team/source-x:1.0", null),
        challenge,
        login,
        authorization,
        new ArrayList<>());
  }
}
