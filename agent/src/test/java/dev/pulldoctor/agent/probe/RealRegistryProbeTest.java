package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The probe against Debian's docker-registry on loopback: htpasswd (Basic) and token (Bearer)
 * authentication, TLS from a test CA, test images pushed through the Registry API.
 */
@ExtendWith(ProcessLeakCheck.class)
class RealRegistryProbeTest {
  private static RealRegistries registries;

  private final RecordingConnector connector = new RecordingConnector();
  private final StubResolver resolver = StubResolver.empty();
  private final ProbePolicy policy =
      ProbePolicy.defaults()
          .allowing(List.of("127.0.0.0/8", registries.tokenRealmAuthority()))
          .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));

  @BeforeAll
  static void start() throws Exception {
    registries = RealRegistries.get();
  }

  @AfterEach
  void no_traffic_left_loopback() {
    assertThat(connector.violations()).isEmpty();
    assertThat(connector.attempts())
        .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
  }

  @Test
  void basic_auth_good_credentials_pass_every_stage() throws Exception {
    RegistryObservation seen =
        probe(
            registries.basicHost() + "/team/source-x:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.OK);
    assertThat(seen.connection().challenge()).isEqualTo("Basic");
    assertThat(seen.connection().timings())
        .extracting(t -> t.stage())
        .containsExactly(Stage.DNS, Stage.TCP, Stage.TLS, Stage.HTTP);
    assertThat(seen.connection().certificate()).isNotNull();
    assertThat(seen.connection().certificate().issuer()).contains("pulldoctor test CA");
    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.ACCEPTED);
    assertThat(seen.access().username()).isEqualTo("robot");
    assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.FOUND);
    assertThat(seen.manifest().index()).isFalse();
    assertThat(seen.manifest().digest()).startsWith("sha256:");
    assertThat(seen.manifest().platforms()).containsExactly(new Platform("linux", "amd64", null));
    assertThat(resolver.asked()).as("IP literal: no DNS").isEmpty();
  }

  @Test
  void basic_auth_wrong_password_is_rejected_with_the_registry_error() throws Exception {
    RegistryObservation seen =
        probe(registries.basicHost() + "/team/source-x:1.0", RealRegistries.USER, "wrong-password");

    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.REJECTED);
    assertThat(seen.access().httpStatus()).isEqualTo(401);
    assertThat(seen.access().errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.DENIED);
  }

  @Test
  void basic_auth_without_credentials_is_an_anonymous_rejection() throws Exception {
    RegistryObservation seen = probe(registries.basicHost() + "/team/source-x:1.0", null, null);

    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.ANONYMOUS_REJECTED);
  }

  @Test
  void missing_tag_and_missing_repository_are_told_apart() throws Exception {
    RegistryObservation tag =
        probe(
            registries.basicHost() + "/team/source-x:9.9",
            RealRegistries.USER,
            RealRegistries.PASSWORD);
    RegistryObservation repository =
        probe(
            registries.basicHost() + "/team/nothing-here:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(tag.manifest().outcome()).isEqualTo(ManifestOutcome.MISSING_TAG);
    assertThat(tag.manifest().errorCode()).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(tag.manifest().detail()).isEqualTo("tags in the repository include 1.0");
    assertThat(tag.access().outcome()).isEqualTo(AccessOutcome.ACCEPTED);
    assertThat(repository.manifest().outcome()).isEqualTo(ManifestOutcome.MISSING_REPOSITORY);
    assertThat(repository.manifest().errorCode()).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void platforms_of_a_single_arm64_image_and_of_an_index() throws Exception {
    RegistryObservation arm =
        probe(
            registries.basicHost() + "/team/source-arm:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);
    RegistryObservation multi =
        probe(
            registries.basicHost() + "/team/source-multi:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(arm.manifest().platforms()).containsExactly(new Platform("linux", "arm64", null));
    assertThat(multi.manifest().index()).isTrue();
    assertThat(multi.manifest().platforms())
        .containsExactly(
            new Platform("linux", "amd64", null), new Platform("linux", "arm64", null));
  }

  @Test
  void token_auth_good_credentials_get_a_token_for_the_repository() throws Exception {
    int before = registries.tokens().seen().size();

    RegistryObservation seen =
        probe(
            registries.tokenHost() + "/team/source-x:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(seen.connection().challenge()).isEqualTo("Bearer");
    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.ACCEPTED);
    assertThat(seen.manifest().platforms()).containsExactly(new Platform("linux", "amd64", null));
    assertThat(registries.tokens().seen().subList(before, registries.tokens().seen().size()))
        .containsExactly(new TokenServer.Seen(true, "repository:team/source-x:pull"));
  }

  @Test
  void token_auth_wrong_password_is_rejected_by_the_token_service() throws Exception {
    RegistryObservation seen =
        probe(registries.tokenHost() + "/team/source-x:1.0", RealRegistries.USER, "wrong-password");

    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.REJECTED);
    assertThat(seen.access().errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(seen.access().detail()).contains("token service");
  }

  @Test
  void token_auth_account_without_pull_access() throws Exception {
    RegistryObservation seen =
        probe(
            registries.tokenHost() + "/team/source-x:1.0",
            RealRegistries.OUTSIDER,
            RealRegistries.OUTSIDER_PASSWORD);

    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.NO_PULL_ACCESS);
    assertThat(seen.access().httpStatus()).isEqualTo(401);
  }

  @Test
  void token_auth_anonymous_is_refused() throws Exception {
    RegistryObservation seen = probe(registries.tokenHost() + "/team/source-x:1.0", null, null);

    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.ANONYMOUS_REJECTED);
  }

  @Test
  void certificate_from_an_untrusted_ca_is_a_tls_finding_with_the_certificate() throws Exception {
    TlsSupport otherCa = TlsSupport.trusting(TestPki.ca("some other CA").trustStore());

    RegistryObservation seen =
        Probes.probe(
            policy,
            resolver,
            connector,
            otherCa,
            registries.basicHost() + "/team/source-x:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(seen.connection().stage()).isEqualTo(Stage.TLS);
    assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.TLS);
    assertThat(seen.connection().detail()).contains("not issued by a CA that pulldoctor trusts");
    assertThat(seen.connection().certificate().subject()).isEqualTo("CN=127.0.0.1");
    assertThat(seen.connection().certificate().issuer()).isEqualTo("CN=pulldoctor test CA");
    assertThat(seen.connection().certificate().names()).contains("127.0.0.1", "localhost");
    assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.NOT_CHECKED);
  }

  @Test
  void closed_port_is_refused() throws Exception {
    int port = LocalRegistry.freePort();

    RegistryObservation seen = probe("127.0.0.1:" + port + "/team/source-x:1.0", null, null);

    assertThat(seen.connection().stage()).isEqualTo(Stage.TCP);
    assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.NETWORK_REFUSED);
    assertThat(seen.connection().detail()).contains("connection refused").contains("port " + port);
  }

  @Test
  void unresolvable_name_is_a_dns_failure_without_any_connection() throws Exception {
    RegistryObservation seen = probe("registry.invalid.test/team/source-x:1.0", null, null);

    assertThat(seen.connection().stage()).isEqualTo(Stage.DNS);
    assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.NETWORK_DNS);
    assertThat(resolver.asked()).containsExactly("registry.invalid.test");
    assertThat(connector.attempts()).isEmpty();
  }

  @Test
  void a_server_that_accepts_and_stalls_times_out_within_the_bound() throws Exception {
    try (ServerSocket stall = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (!stall.isClosed()) {
                    held.add(stall.accept());
                  }
                } catch (java.io.IOException e) {
                  // closed at the end of the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      ProbePolicy quick = policy.withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800));
      long start = System.nanoTime();

      RegistryObservation seen =
          Probes.probe(
              quick,
              resolver,
              connector,
              registries.tls(),
              "127.0.0.1:" + stall.getLocalPort() + "/team/source-x:1.0",
              null,
              null);

      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.NETWORK_TIMEOUT);
      assertThat(seen.connection().stage()).isEqualTo(Stage.TLS);
      assertThat(millis).isLessThan(3_000);
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void loopback_is_refused_without_probe_allow() throws Exception {
    RegistryObservation seen =
        Probes.probe(
            ProbePolicy.defaults(),
            resolver,
            connector,
            registries.tls(),
            registries.basicHost() + "/team/source-x:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.REFUSED_BY_POLICY);
    assertThat(seen.connection().detail()).contains("--probe-allow 127.0.0.0/8");
    assertThat(connector.attempts()).isEmpty();
  }

  @Test
  void a_name_that_also_resolves_to_a_metadata_address_is_only_connected_on_loopback()
      throws Exception {
    String port = registries.basicHost().substring(registries.basicHost().indexOf(':') + 1);
    StubResolver rebinding =
        new StubResolver(
            Map.of(
                "registry.rebind.test",
                List.of(
                    InetAddress.getByAddress(
                        new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}),
                    InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))));

    RegistryObservation seen =
        Probes.probe(
            policy,
            rebinding,
            connector,
            registries.tls(),
            "registry.rebind.test:" + port + "/team/source-x:1.0",
            RealRegistries.USER,
            RealRegistries.PASSWORD);

    // resolved once; the metadata address is never dialled; TLS then fails on the host name
    assertThat(rebinding.asked()).containsExactly("registry.rebind.test");
    assertThat(connector.attempts()).isNotEmpty();
    assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.TLS);
    assertThat(seen.connection().detail()).contains("does not name registry.rebind.test");
  }

  private RegistryObservation probe(String image, @Nullable String user, @Nullable String password)
      throws Exception {
    return Probes.probe(policy, resolver, connector, registries.tls(), image, user, password);
  }
}
