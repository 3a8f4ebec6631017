package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The probe policy seen from the outside, through the connect-time hook: whatever a registry
 * answers, no connection leaves loopback, credentials go nowhere else, and refusals are reported.
 * These scripted registries need no binary.
 */
class ProbeGuardTest {
  private static final String PASSWORD = "guard-Pass-4e1b";
  private static final String JSON = "application/json";
  private static TestPki pki;

  private final RecordingConnector connector = new RecordingConnector();
  private final StubResolver resolver = StubResolver.empty();
  private final ProbePolicy policy =
      ProbePolicy.defaults()
          .allowing(List.of("127.0.0.0/8"))
          .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4));

  @BeforeAll
  static void ca() throws Exception {
    pki = TestPki.ca("pulldoctor guard test CA");
  }

  @AfterEach
  void nothing_but_loopback_was_dialled() {
    assertThat(connector.violations()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:169.254.169.254]/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://[fe80::1]/",
        "https://0xa9fea9fe/latest/meta-data/",
        "https://2852039166/latest/meta-data/",
        "https://0251.0376.0251.0376/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://100.100.100.200/latest/meta-data/",
        "https://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/x"
      })
  void a_redirect_of_the_manifest_to_metadata_or_link_local_is_refused_and_reported(String location)
      throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                request.path().startsWith("/v2/team/")
                    ? FakeRegistry.Answer.of(307, Map.of("Location", location), "")
                    : FakeRegistry.Answer.of(200, Map.of(), "{}"))) {

      RegistryObservation seen = probe(registry.host() + "/team/source-x:1.0");

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.OK);
      assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.REFUSED_BY_POLICY);
      assertThat(seen.manifest().detail()).startsWith("the registry redirected to ");
      assertThat(resolver.asked()).isEmpty();
      assertThat(connector.attempts())
          .allSatisfy(a -> assertThat(a.getPort()).isEqualTo(port(registry)));
    }
  }

  @Test
  void the_ping_itself_redirected_to_the_metadata_service_is_refused() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                FakeRegistry.Answer.of(
                    302, Map.of("Location", "https://169.254.169.254/latest/meta-data/"), ""))) {

      RegistryObservation seen = probe(registry.host() + "/team/source-x:1.0");

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.REFUSED_BY_POLICY);
      assertThat(seen.connection().detail())
          .contains("redirected to https://169.254.169.254")
          .contains("link-local address 169.254.169.254");
    }
  }

  @Test
  void more_than_three_redirects_are_refused() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                request.path().startsWith("/v2/team/")
                    ? FakeRegistry.Answer.of(302, Map.of("Location", request.path() + "x"), "")
                    : FakeRegistry.Answer.of(200, Map.of(), "{}"))) {

      RegistryObservation seen = probe(registry.host() + "/team/source-x:1.0");

      assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.REFUSED_BY_POLICY);
      assertThat(seen.manifest().detail()).contains("more than 3 redirects");
      assertThat(registry.requests().stream().filter(r -> r.method().equals("HEAD"))).hasSize(4);
    }
  }

  @Test
  void credentials_never_follow_a_redirect_to_another_host_and_never_reach_a_foreign_realm()
      throws Exception {
    try (FakeRegistry blobs =
            FakeRegistry.https(pki, request -> FakeRegistry.Answer.of(200, Map.of(), "{}"));
        FakeRegistry registry =
            FakeRegistry.https(
                pki,
                request ->
                    request.path().equals("/v2/")
                        ? FakeRegistry.Answer.of(
                            401,
                            Map.of(
                                "WWW-Authenticate",
                                "Bearer realm=\"https://auth.elsewhere.example.net/token\","
                                    + "service=\"registry\""),
                            "")
                        : FakeRegistry.Answer.of(200, Map.of(), "{}"))) {

      RegistryObservation seen =
          Probes.probe(
              policy,
              resolver,
              connector,
              TlsSupport.trusting(pki.trustStore()),
              registry.host() + "/team/source-x:1.0",
              "robot",
              PASSWORD);

      assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.WITHHELD);
      assertThat(seen.access().detail())
          .contains("auth.elsewhere.example.net")
          .contains("--probe-allow auth.elsewhere.example.net");
      assertThat(resolver.asked()).as("the realm was not even resolved").isEmpty();
      assertThat(registry.requests()).allSatisfy(r -> assertThat(r.authorization()).isNull());
      assertThat(blobs.requests()).isEmpty();
    }
  }

  @Test
  void basic_credentials_are_dropped_when_a_redirect_changes_host() throws Exception {
    try (FakeRegistry storage =
            FakeRegistry.https(
                pki,
                request ->
                    FakeRegistry.Answer.of(
                        200,
                        Map.of("Content-Type", JSON),
                        "{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
        FakeRegistry registry =
            FakeRegistry.https(
                pki,
                request -> {
                  if (request.path().equals("/v2/")) {
                    return FakeRegistry.Answer.of(
                        401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), "");
                  }
                  if (request.path().contains("/blobs/")) {
                    return FakeRegistry.Answer.of(
                        307,
                        Map.of("Location", "https://localhost:" + port(storage) + "/blob"),
                        "");
                  }
                  return FakeRegistry.Answer.of(
                      200,
                      Map.of("Content-Type", ImagePusher.MANIFEST),
                      "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:"
                          + "a".repeat(64)
                          + "\"}}");
                })) {
      StubResolver localhost =
          new StubResolver(Map.of("localhost", List.of(java.net.InetAddress.getLoopbackAddress())));

      RegistryObservation seen =
          Probes.probe(
              policy,
              localhost,
              connector,
              TlsSupport.trusting(pki.trustStore()),
              registry.host() + "/team/source-x:1.0",
              "robot",
              PASSWORD);

      assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.ACCEPTED);
      assertThat(seen.manifest().platforms())
          .extracting(p -> p.display())
          .containsExactly("linux/amd64");
      assertThat(registry.requests().stream().filter(r -> !r.path().equals("/v2/")))
          .allSatisfy(r -> assertThat(r.authorization()).startsWith("Basic "));
      assertThat(storage.requests())
          .singleElement()
          .satisfies(r -> assertThat(r.authorization()).isNull());
    }
  }

  @Test
  void a_registry_echoing_the_credentials_has_them_scrubbed() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                request.path().equals("/v2/")
                    ? FakeRegistry.Answer.of(
                        401, Map.of("WWW-Authenticate", "Basic realm=\"fake\""), "")
                    : FakeRegistry.Answer.of(
                        401,
                        Map.of("Content-Type", JSON),
                        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad "
                            + request.authorization()
                            + " and "
                            + PASSWORD
                            + "\"}]}"))) {

      RegistryObservation seen =
          Probes.probe(
              policy,
              resolver,
              connector,
              TlsSupport.trusting(pki.trustStore()),
              registry.host() + "/team/source-x:1.0",
              "robot",
              PASSWORD);

      assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.REJECTED);
      assertThat(seen.access().errorMessage())
          .doesNotContain(PASSWORD)
          .doesNotContain(RealRegistries.basic("robot", PASSWORD).substring(6))
          .contains("[REDACTED]");
    }
  }

  @Test
  void bodies_are_capped() throws Exception {
    String huge = " ".repeat(2 * 1024 * 1024);
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                request.path().equals("/v2/")
                    ? FakeRegistry.Answer.of(200, Map.of(), "")
                    : new FakeRegistry.Answer(200, Map.of("Content-Type", JSON), huge))) {

      RegistryObservation seen = probe(registry.host() + "/team/source-x:1.0");

      assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.FOUND);
      assertThat(seen.manifest().detail()).contains("larger than pulldoctor reads");
    }
  }

  @Test
  void plain_http_only_for_insecure_registries() throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.http(
            request ->
                request.path().equals("/v2/")
                    ? FakeRegistry.Answer.of(200, Map.of(), "{}")
                    : FakeRegistry.Answer.of(
                        404,
                        Map.of("Content-Type", JSON),
                        "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"no\"}]}"))) {

      RegistryObservation secure;
      try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
        Thread server =
            new Thread(
                () -> {
                  // what an HTTP server answers to a TLS ClientHello
                  try (Socket socket = plain.accept()) {
                    socket
                        .getOutputStream()
                        .write(
                            "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  } catch (IOException e) {
                    // the test has ended
                  }
                });
        server.setDaemon(true);
        server.start();
        secure = probe("127.0.0.1:" + plain.getLocalPort() + "/team/source-x:1.0");
      }
      RegistryObservation insecure =
          Probes.probe(
              policy.withInsecureRegistries(List.of(registry.host())),
              resolver,
              connector,
              TlsSupport.trusting(pki.trustStore()),
              registry.host() + "/team/source-x:1.0",
              null,
              null);

      assertThat(secure.connection().cause())
          .isEqualTo(dev.pulldoctor.rules.classify.PullErrorCause.TLS);
      assertThat(secure.connection().detail()).contains("does not speak TLS");
      assertThat(insecure.connection().scheme()).isEqualTo("http");
      assertThat(insecure.connection().outcome()).isEqualTo(Outcome.OK);
      assertThat(insecure.manifest().outcome()).isEqualTo(ManifestOutcome.MISSING_REPOSITORY);
    }
  }

  @Test
  void server_errors_and_non_registries_fail_the_ping() throws Exception {
    try (FakeRegistry broken =
            FakeRegistry.https(pki, request -> FakeRegistry.Answer.of(503, Map.of(), "down"));
        FakeRegistry web =
            FakeRegistry.https(pki, request -> FakeRegistry.Answer.of(401, Map.of(), "login"))) {

      RegistryObservation down = probe(broken.host() + "/team/source-x:1.0");
      RegistryObservation notRegistry = probe(web.host() + "/team/source-x:1.0");

      assertThat(down.connection().cause())
          .isEqualTo(dev.pulldoctor.rules.classify.PullErrorCause.REGISTRY_SERVER_ERROR);
      assertThat(notRegistry.connection().detail()).contains("without a WWW-Authenticate");
    }
  }

  private RegistryObservation probe(String image) throws Exception {
    return Probes.probe(
        policy, resolver, connector, TlsSupport.trusting(pki.trustStore()), image, null, null);
  }

  private static int port(FakeRegistry registry) {
    String host = registry.host();
    return Integer.parseInt(host.substring(host.indexOf(':') + 1));
  }
}
