package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPv6 spellings of refused IPv4 addresses met on the wire (a redirect, a token realm), and what
 * the messages about them invite the user to do. Only 127.0.0.1 is allowed here, so the loopback
 * forms are spelled with 127.0.0.2.
 */
class ProbeAddressFormsTest {
  private static final String USER = "forms-user";
  private static final String PASSWORD = "forms-Pass-5d2a";
  private static final Pattern SUGGESTION = Pattern.compile("--probe-allow (\\S+)");
  private static final List<String> METADATA =
      List.of("169.254.169.254", "169.254.0.1", "fd00:ec2::254", "100.100.100.200", "192.0.0.192");
  private static TestPki pki;

  private final RecordingConnector connector = new RecordingConnector();
  private final ProbePolicy policy =
      ProbePolicy.defaults()
          .allowing(List.of("127.0.0.1/32"))
          .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4));

  @BeforeAll
  static void ca() throws Exception {
    pki = TestPki.ca("pulldoctor address forms CA");
  }

  @AfterEach
  void nothing_but_loopback_was_dialled() {
    assertThat(connector.violations()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/",
        "https://[64:ff9b:1:a9fe:a9:fe00::]/latest/meta-data/",
        "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "https://[2001:0:a9fe:a9fe::1]/latest/meta-data/",
        "https://[2001:0:c000:201::5601:5601]/latest/meta-data/",
        "https://[2002:a9fe:a9fe::]/latest/meta-data/",
        "https://[::ffff:0:a9fe:a9fe]/latest/meta-data/",
        "https://[::a9fe:a9fe]/latest/meta-data/",
        "https://[64:ff9b:1::7f00:2]/admin",
        "https://[2001:0:7f00:2::3fff:fefe]/admin",
        "https://[2001:0:c000:201::80ff:fffd]/admin",
        "https://[2002:7f00:2::]/admin",
        "https://[::ffff:0:7f00:2]/admin",
        "https://[::7f00:2]/admin"
      })
  void a_redirect_to_an_ipv6_spelling_of_a_refused_address_is_refused_before_any_connect(
      String location) throws Exception {
    try (FakeRegistry registry =
        FakeRegistry.https(
            pki,
            request ->
                request.path().startsWith("/v2/team/")
                    ? FakeRegistry.Answer.of(307, Map.of("Location", location), "")
                    : FakeRegistry.Answer.of(200, Map.of(), "{}"))) {

      RegistryObservation seen = probe(registry.host() + "/team/source-x:1.0");

      String target = java.net.URI.create(location).getHost();
      assertThat(ForbiddenAddresses.reason(ip(target.substring(1, target.length() - 1))))
          .as("the independent list of forbidden addresses agrees")
          .satisfiesAnyOf(
              reason -> assertThat(reason).isNotNull(),
              reason -> assertThat(seen.manifest().detail()).contains("loopback"));
      assertThat(seen.manifest().outcome()).isEqualTo(ManifestOutcome.REFUSED_BY_POLICY);
      assertThat(seen.manifest().detail())
          .startsWith("the registry redirected to ")
          .containsAnyOf("link-local", "loopback");
      assertThat(connector.attempts())
          .as("every connect went to the registry itself")
          .allSatisfy(
              a -> {
                assertThat(a.getAddress()).isEqualTo(ip("127.0.0.1"));
                assertThat(a.getPort()).isEqualTo(port(registry.host()));
              });
    }
  }

  @Test
  void a_token_realm_on_another_port_of_the_registrys_host_gets_no_credentials() throws Exception {
    try (FakeRegistry realm =
            FakeRegistry.https(
                pki, request -> FakeRegistry.Answer.of(200, Map.of(), "{\"token\":\"t0k3n\"}"));
        FakeRegistry registry =
            FakeRegistry.https(
                pki,
                request ->
                    FakeRegistry.Answer.of(
                        401,
                        Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\"https://" + realm.host() + "/token\",service=\"r\""),
                        ""))) {

      RegistryObservation seen =
          Probes.probe(
              policy,
              StubResolver.empty(),
              connector,
              TlsSupport.trusting(pki.trustStore()),
              registry.host() + "/team/source-x:1.0",
              USER,
              PASSWORD);

      assertThat(realm.requests()).allSatisfy(r -> assertThat(r.authorization()).isNull());
      assertThat(seen.access().outcome()).isEqualTo(AccessOutcome.WITHHELD);
      assertThat(seen.access().detail()).contains("another port");
    }
  }

  @Test
  void no_message_ever_suggests_allowing_a_metadata_address() throws Exception {
    List<String> messages = new ArrayList<>();
    for (String realm :
        List.of(
            "https://169.254.169.254/token",
            "https://[fd00:ec2::254]/token",
            "https://100.100.100.200/token",
            "https://192.0.0.192/token",
            "https://[64:ff9b:1::a9fe:a9fe]/token",
            "https://[2002:a9fe:a9fe::]/token",
            "https://metadata.google.internal/token",
            "https://instance-data/token",
            "http://169.254.169.254/token")) {
      try (FakeRegistry registry =
          FakeRegistry.https(
              pki,
              request ->
                  FakeRegistry.Answer.of(
                      401, Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\""), ""))) {
        RegistryObservation seen =
            Probes.probe(
                policy,
                StubResolver.empty(),
                connector,
                TlsSupport.trusting(pki.trustStore()),
                registry.host() + "/team/source-x:1.0",
                USER,
                PASSWORD);
        messages.add(seen.connection().detail());
        messages.add(seen.access().detail());
        messages.add(seen.manifest().detail());
      }
    }
    for (String address :
        List.of(
            "169.254.169.254",
            "fd00:ec2::254",
            "64:ff9b:1::a9fe:a9fe",
            "2001:0:c000:201::5601:5601",
            "127.0.0.2",
            "::1",
            "64:ff9b::7f00:2")) {
      messages.add(String.valueOf(policy.addressRefusal(ip(address), false)));
    }
    messages.add(String.valueOf(policy.hostRefusal("metadata.google.internal")));

    assertThat(messages).anySatisfy(m -> assertThat(m).contains("did not send the credentials"));
    for (String message : messages) {
      Matcher suggestion = SUGGESTION.matcher(message);
      while (suggestion.find()) {
        String value = suggestion.group(1).replaceAll("[).,;]+$", "");
        ProbePolicy opened = ProbePolicy.defaults().allowing(List.of(value));
        for (String metadata : METADATA) {
          InetAddress forbidden = ip(metadata);
          assertThat(opened.allowedRanges().stream().anyMatch(r -> r.contains(forbidden)))
              .as("%s suggests opening %s", message, metadata)
              .isFalse();
        }
        assertThat(opened.credentialHosts())
            .as(message)
            .allSatisfy(h -> assertThat(policy.hostRefusal(h)).isNull());
      }
    }
  }

  private RegistryObservation probe(String image) throws Exception {
    RegistryObservation seen =
        Probes.probe(
            policy,
            StubResolver.empty(),
            connector,
            TlsSupport.trusting(pki.trustStore()),
            image,
            null,
            null);
    assertThat(seen.connection().outcome()).isEqualTo(Outcome.OK);
    return seen;
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getAllByName(literal)[0];
  }

  private static int port(String host) {
    return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
  }
}
