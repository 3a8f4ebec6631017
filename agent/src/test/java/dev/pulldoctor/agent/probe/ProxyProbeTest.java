package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Probes through an HTTP CONNECT proxy, as HTTPS_PROXY configures it. */
@ExtendWith(ProcessLeakCheck.class)
class ProxyProbeTest {
  private static TestPki pki;
  private final RecordingConnector connector = new RecordingConnector();

  @BeforeAll
  static void ca() throws Exception {
    pki = TestPki.ca("pulldoctor proxy test CA");
  }

  @AfterEach
  void loopback_only() {
    assertThat(connector.violations()).isEmpty();
  }

  @Test
  void the_registry_is_reached_through_the_proxy_tunnel_with_tls_end_to_end() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(200);
        FakeRegistry registry = registry()) {

      RegistryObservation seen = probe(proxy, registry);

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.OK);
      assertThat(seen.connection().timings())
          .extracting(t -> t.stage())
          .containsExactly(Stage.PROXY, Stage.TLS, Stage.HTTP);
      assertThat(seen.connection().address()).endsWith("(proxy)");
      assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.FOUND);
      assertThat(proxy.requests())
          .allSatisfy(r -> assertThat(r).startsWith("CONNECT " + registry.host()));
      assertThat(connector.attempts())
          .allSatisfy(a -> assertThat(a.getPort()).isEqualTo(proxy.port()));
    }
  }

  @Test
  void a_proxy_that_refuses_the_tunnel_is_the_cause() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(407);
        FakeRegistry registry = registry()) {

      RegistryObservation seen = probe(proxy, registry);

      assertThat(seen.connection().stage()).isEqualTo(Stage.PROXY);
      assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.PROXY);
      assertThat(seen.connection().detail())
          .contains("answered 407 Proxy Authentication Required")
          .contains("CONNECT " + registry.host());
    }
  }

  @Test
  void an_unreachable_proxy_is_the_cause() throws Exception {
    int closed = LocalRegistry.freePort();
    try (FakeRegistry registry = registry()) {
      Proxies proxies =
          new Proxies(
              new Proxies.Proxy("127.0.0.1", closed, null, "127.0.0.1:" + closed),
              null,
              List.of(),
              false);

      RegistryObservation seen = probe(proxies, registry);

      assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.PROXY);
      assertThat(seen.connection().detail()).contains("cannot connect to the proxy");
    }
  }

  @Test
  void metadata_targets_are_refused_before_the_proxy_is_asked() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(200)) {
      Proxies proxies =
          new Proxies(
              new Proxies.Proxy("127.0.0.1", proxy.port(), null, "proxy"), null, List.of(), false);
      RegistryProber prober =
          new RegistryProber(
              policy(),
              StubResolver.empty(),
              connector,
              TlsSupport.trusting(pki.trustStore()),
              proxies,
              SecretSource.NONE,
              "test");

      RegistryObservation seen =
          prober.probe(List.of(Probes.target("169.254.169.254/team/x:1", null))).get(0);

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.REFUSED_BY_POLICY);
      assertThat(proxy.requests()).isEmpty();
    }
  }

  private FakeRegistry registry() throws Exception {
    return FakeRegistry.https(
        pki,
        request ->
            request.path().equals("/v2/")
                ? FakeRegistry.Answer.of(200, Map.of(), "{}")
                : FakeRegistry.Answer.of(
                    200,
                    Map.of("Content-Type", ImagePusher.LIST),
                    "{\"schemaVersion\":2,\"manifests\":[{\"platform\":{\"os\":\"linux\","
                        + "\"architecture\":\"amd64\"}},{\"platform\":{\"os\":\"unknown\","
                        + "\"architecture\":\"unknown\"}}]}"));
  }

  private RegistryObservation probe(ConnectProxy proxy, FakeRegistry registry) throws Exception {
    return probe(
        new Proxies(
            new Proxies.Proxy("127.0.0.1", proxy.port(), "Basic dTpw", "127.0.0.1:" + proxy.port()),
            null,
            List.of(),
            false),
        registry);
  }

  private RegistryObservation probe(Proxies proxies, FakeRegistry registry) throws Exception {
    RegistryProber prober =
        new RegistryProber(
            policy(),
            StubResolver.empty(),
            connector,
            TlsSupport.trusting(pki.trustStore()),
            proxies,
            SecretSource.NONE,
            "test");
    return prober.probe(List.of(Probes.target(registry.host() + "/team/x:1.0", null))).get(0);
  }

  private static ProbePolicy policy() {
    return ProbePolicy.defaults()
        .allowing(List.of("127.0.0.0/8"))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4));
  }
}
