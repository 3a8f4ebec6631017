package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry probe against hostile registries (issue 10, attack suite), on loopback only. Every
 * test checks the guard's decisions through a recording connector ({@link #guard_held}): no
 * connection to a forbidden address, and nothing off loopback; every run ends within a bound, and
 * what a registry sends is read only up to the cap. The redirect, metadata and IP-notation cases of
 * {@link ProbeGuardTest} and the stalled and rebinding servers of {@link RealRegistryProbeTest}
 * belong to the same suite; this class adds the rest.
 */
class ProbeAttackSuiteTest {
  private static final String USER = "attack-user";
  private static final String PASSWORD = "attack-Pass-77c1";
  private static final Duration BOUND = Duration.ofSeconds(8);
  private static TestPki pki;

  private final RecordingConnector connector = new RecordingConnector();
  private final ProbePolicy policy =
      ProbePolicy.defaults()
          .allowing(List.of("127.0.0.0/8"))
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));

  @BeforeAll
  static void ca() throws Exception {
    pki = TestPki.ca("pulldoctor attack suite CA");
  }

  @AfterEach
  void guard_held() {
    assertThat(connector.violations()).as("connections off loopback").isEmpty();
    assertThat(connector.attempts())
        .allSatisfy(a -> assertThat(ForbiddenAddresses.reason(a.getAddress())).isNull());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://169.254.169.254/token",
        "https://[::ffff:169.254.169.254]/token",
        "https://2852039166/token",
        "https://0251.0376.0251.0376/token",
        "https://[fe80::1]/token",
        "https://metadata.google.internal/token",
        "https://attacker.example/token",
        "https://localhost:REALM/token",
        "http://127.0.0.1:REALM/token"
      })
  void token_realms_elsewhere_never_get_the_credentials(String realm) throws Exception {
    try (FakeRegistry realmServer =
            FakeRegistry.https(pki, request -> FakeRegistry.Answer.of(200, Map.of(), "{}"));
        FakeRegistry registry =
            FakeRegistry.https(
                pki,
                request ->
                    FakeRegistry.Answer.of(
                        401,
                        Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\""
                                + realm.replace("REALM", port(realmServer))
                                + "\",service=\"registry\""),
                        ""))) {

      RegistryObservation seen =
          timed(() -> probe(StubResolver.empty(), registry.host() + "/team/source-x:1.0", true));

      assertThat(realmServer.requests())
          .as("the realm got no credentials")
          .allSatisfy(r -> assertThat(r.authorization()).isNull());
      assertThat(seen.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void an_expired_certificate_is_a_tls_finding() throws Exception {
    Instant now = Instant.now();
    HttpsServer server =
        tlsServer(pki.server(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))));
    try {
      RegistryObservation seen =
          timed(
              () ->
                  probe(
                      StubResolver.empty(),
                      "127.0.0.1:" + server.getAddress().getPort() + "/team/source-x:1.0",
                      true));

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
      assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.TLS);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_certificate_for_another_name_is_a_tls_finding() throws Exception {
    HttpsServer server = tlsServer(pki.server());
    StubResolver resolver =
        new StubResolver(
            Map.of("registry.othername.test", List.of(InetAddress.getLoopbackAddress())));
    try {
      RegistryObservation seen =
          timed(
              () ->
                  probe(
                      resolver,
                      "registry.othername.test:"
                          + server.getAddress().getPort()
                          + "/team/source-x:1.0",
                      true));

      assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
      assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.TLS);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void dns_answers_that_change_between_check_and_connect_never_reach_the_new_address()
      throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    Resolver rebinding =
        host -> {
          byte[] address =
              lookups.getAndIncrement() == 0
                  ? new byte[] {127, 0, 0, 1}
                  : new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254};
          return List.of(InetAddress.getByAddress(host, address));
        };
    try (FakeRegistry registry =
        FakeRegistry.http(
            request ->
                request.path().startsWith("/v2/team/")
                    ? FakeRegistry.Answer.of(
                        307, Map.of("Location", request.path() + "?again=1"), "")
                    : FakeRegistry.Answer.of(200, Map.of(), "{}"))) {
      String name = "registry.rebind.test:" + port(registry);
      ProbePolicy insecure = policy.withInsecureRegistries(List.of(name));

      RegistryObservation seen =
          timed(
              () ->
                  Probes.probe(
                      insecure,
                      rebinding,
                      connector,
                      TlsSupport.trusting(pki.trustStore()),
                      name + "/team/source-x:1.0",
                      USER,
                      PASSWORD));

      assertThat(lookups.get()).as("the name was looked up again").isGreaterThan(1);
      assertThat(seen.manifest().detail()).contains("169.254.169.254");
    }
  }

  @Test
  void a_never_ending_answer_is_read_up_to_the_cap_only() throws Exception {
    AtomicLong sent = new AtomicLong();
    try (ServerSocket endless =
        serve(
            out -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              byte[] chunk = new byte[64 * 1024];
              java.util.Arrays.fill(chunk, (byte) ' ');
              while (true) {
                out.write(chunk);
                sent.addAndGet(chunk.length);
              }
            })) {
      RegistryObservation seen =
          timed(
              () ->
                  probe(
                      StubResolver.empty(),
                      "127.0.0.1:" + endless.getLocalPort() + "/x/y:1",
                      false));

      assertThat(seen).isNotNull();
      // the cap, plus what the kernel's socket buffers took before the probe hung up
      assertThat(sent.get()).isLessThan(policy.maxBodyBytes() + 16L * 1024 * 1024);
    }
  }

  @Test
  void a_registry_that_dribbles_its_answer_is_cut_off_at_the_request_timeout() throws Exception {
    try (ServerSocket slow =
        serve(
            out -> {
              byte[] head = "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
              out.write(head);
              while (true) {
                out.write('a');
                out.flush();
                Thread.sleep(100);
              }
            })) {
      long start = System.nanoTime();
      RegistryObservation seen =
          timed(
              () ->
                  probe(
                      StubResolver.empty(), "127.0.0.1:" + slow.getLocalPort() + "/x/y:1", false));

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(policy.requestTimeout().multipliedBy(2));
      assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
    }
  }

  private RegistryObservation probe(Resolver resolver, String image, boolean tls) throws Exception {
    ProbePolicy used =
        tls
            ? policy
            : policy.withInsecureRegistries(List.of(image.substring(0, image.indexOf('/'))));
    return Probes.probe(
        used, resolver, connector, TlsSupport.trusting(pki.trustStore()), image, USER, PASSWORD);
  }

  private static RegistryObservation timed(Attempt attempt) throws Exception {
    long start = System.nanoTime();
    RegistryObservation seen = attempt.run();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded in time").isLessThan(BOUND);
    return seen;
  }

  @FunctionalInterface
  private interface Attempt {
    RegistryObservation run() throws Exception;
  }

  @FunctionalInterface
  private interface Script {
    void answer(OutputStream out) throws Exception;
  }

  /** A raw server on loopback that answers every connection with {@code script}. */
  private static ServerSocket serve(Script script) throws IOException {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  script.answer(socket.getOutputStream());
                } catch (Exception e) {
                  // the probe hung up, or the test closed the server
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  private static HttpsServer tlsServer(TestPki.Issued certificate) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext(certificate)));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    return server;
  }

  private static String port(FakeRegistry registry) {
    String host = registry.host();
    return host.substring(host.lastIndexOf(':') + 1);
  }
}
