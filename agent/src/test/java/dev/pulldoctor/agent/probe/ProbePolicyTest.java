package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The address, host-name and credential decisions of the probe policy, on values alone. */
class ProbePolicyTest {
  private final ProbePolicy defaults = ProbePolicy.defaults();

  @ParameterizedTest
  @CsvSource({
    "169.254.169.254, link-local",
    "169.254.0.1, link-local",
    "fe80::1, link-local",
    "fd00:ec2::254, cloud metadata",
    "100.100.100.200, cloud metadata",
    "192.0.0.192, cloud metadata",
    "0.0.0.0, unspecified",
    "::, unspecified",
    "0.1.2.3, unspecified",
    "224.0.0.1, multicast",
    "ff02::1, multicast",
    "255.255.255.255, broadcast",
    "::ffff:169.254.169.254, link-local",
    "::169.254.169.254, link-local",
    "64:ff9b::a9fe:a9fe, link-local",
    "2002:a9fe:a9fe::1, link-local",
    "127.0.0.1, loopback",
    "127.1.2.3, loopback",
    "::1, loopback",
    "::ffff:127.0.0.1, loopback"
  })
  void always_or_by_default_refused(String address, String reason) throws Exception {
    assertThat(defaults.addressRefusal(ip(address), false)).contains(reason);
  }

  /** Each IPv6 spelling a NAT64 gateway, 6to4 relay, Teredo relay or host stack turns into IPv4. */
  @ParameterizedTest
  @CsvSource({
    "64:ff9b:1::a9fe:a9fe, link-local address 169.254.169.254",
    "64:ff9b:1:a9fe:a9:fe00::, link-local address 169.254.169.254",
    "64:ff9b:1:a9:fe:a9fe::, link-local address 169.254.169.254",
    "64:ff9b:1:0:a9:fea9:fe00:0, link-local address 169.254.169.254",
    "64:ff9b::a9fe:a9fe, link-local address 169.254.169.254",
    "2001:0:a9fe:a9fe::1, link-local address 169.254.169.254",
    "2001:0:c000:201::5601:5601, link-local address 169.254.169.254",
    "2002:a9fe:a9fe::, link-local address 169.254.169.254",
    "::ffff:0:a9fe:a9fe, link-local address 169.254.169.254",
    "::a9fe:a9fe, link-local address 169.254.169.254",
    "64:ff9b:1::6464:64c8, cloud metadata address 100.100.100.200",
    "2001:0:c000:201::3fff:ff3f, cloud metadata address 192.0.0.192",
    "64:ff9b:1::7f00:1, loopback address",
    "64:ff9b:1:7f00:0:100::, loopback address",
    "64:ff9b::7f00:1, loopback address",
    "2001:0:7f00:1::3fff:fefe, loopback address",
    "2001:0:c000:201::80ff:fffe, loopback address",
    "2002:7f00:1::, loopback address",
    "::ffff:0:7f00:1, loopback address",
    "::7f00:1, loopback address"
  })
  void ipv6_spellings_of_refused_ipv4_addresses_are_refused(String address, String reason)
      throws Exception {
    assertThat(defaults.addressRefusal(ip(address), false))
        .contains(reason)
        .contains(ip(address).getHostAddress());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "64:ff9b:1::a00:5",
        "64:ff9b:1:a00:0:500::",
        "64:ff9b::a00:5",
        "2002:a00:5::1",
        "2001:0:c000:201::3fff:fefe"
      })
  void ipv6_spellings_of_private_addresses_stay_allowed(String address) throws Exception {
    assertThat(defaults.addressRefusal(ip(address), false)).isNull();
  }

  @Test
  void probe_allow_loopback_opens_its_ipv6_spellings_too_but_never_metadata() throws Exception {
    ProbePolicy allowed = defaults.allowing(List.of("127.0.0.0/8"));

    assertThat(allowed.addressRefusal(ip("2002:7f00:1::"), false)).isNull();
    assertThat(allowed.addressRefusal(ip("2001:0:7f00:1::3fff:fefe"), false)).isNull();
    assertThat(allowed.addressRefusal(ip("2001:0:7f00:1::5601:5601"), false))
        .contains("link-local");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.10",
        "203.0.113.10",
        "2001:db8::1",
        "fd12::1"
      })
  void private_and_public_addresses_are_allowed(String address) throws Exception {
    assertThat(defaults.addressRefusal(ip(address), false)).isNull();
  }

  @Test
  void probe_allow_opens_loopback_but_never_link_local() throws Exception {
    ProbePolicy allowed = defaults.allowing(List.of("127.0.0.0/8", "::1", "169.254.0.0/16"));

    assertThat(allowed.addressRefusal(ip("127.0.0.1"), false)).isNull();
    assertThat(allowed.addressRefusal(ip("::1"), false)).isNull();
    assertThat(allowed.addressRefusal(ip("169.254.169.254"), false)).contains("link-local");
  }

  @Test
  void an_operators_proxy_may_be_on_loopback() throws Exception {
    assertThat(defaults.addressRefusal(ip("127.0.0.1"), true)).isNull();
    assertThat(defaults.addressRefusal(ip("169.254.169.254"), true)).isNotNull();
  }

  @ParameterizedTest
  @CsvSource({
    "metadata.google.internal, cloud metadata service",
    "METADATA.GOOGLE.INTERNAL., cloud metadata service",
    "metadata, cloud metadata service",
    "instance-data.ec2.internal, cloud metadata service",
    "2130706433, non-canonical",
    "0x7f.1, non-canonical",
    "0177.0.0.1, non-canonical",
    "127.1, non-canonical",
    "017700000001, non-canonical",
    "[fe80::1%eth0], non-canonical"
  })
  void host_names_refused_before_any_lookup(String host, String reason) {
    assertThat(defaults.hostRefusal(host)).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"registry.example.com", "127.0.0.1", "[::1]", "localhost", "1.2.3.4.example"})
  void ordinary_hosts_pass_the_name_check(String host) {
    assertThat(defaults.hostRefusal(host)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "registry.example.com, registry.example.com, true",
    "registry.example.com, auth.example.com, true",
    "registry-1.docker.io, auth.docker.io, true",
    "ghcr.io, ghcr.io, true",
    "myreg.azurecr.io, myreg.azurecr.io, true",
    "myreg.azurecr.io, evil.azurecr.io, false",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com, evil.amazonaws.com, false",
    "europe-docker.pkg.dev, evil-docker.pkg.dev, false",
    "myapp.herokuapp.com, other.herokuapp.com, false",
    "registry.example.com, auth.example.net, false",
    "registry.example.com, 127.0.0.1, false",
    "127.0.0.1, 127.0.0.1, true",
    "registry.example.co.uk, auth.example.co.uk, true",
    "registry.example.co.uk, other.co.uk, false"
  })
  void credentials_go_to_the_registry_or_its_registrable_domain(
      String registry, String realm, boolean allowed) {
    assertThat(defaults.mayReceiveCredentials(registry, realm)).isEqualTo(allowed);
  }

  @Test
  void probe_allow_host_names_are_trusted_realms() {
    ProbePolicy policy = defaults.allowing(List.of("auth.example.net"));

    assertThat(policy.mayReceiveCredentials("registry.example.com", "auth.example.net")).isTrue();
    assertThat(policy.allowedRanges()).isEmpty();
  }

  @Test
  void a_realm_on_another_port_of_the_registrys_host_gets_credentials_only_when_allowed_exactly() {
    java.net.URI registry = java.net.URI.create("https://registry.example.com:5000/");
    java.net.URI realm = java.net.URI.create("https://registry.example.com:5001/auth");

    assertThat(defaults.credentialRefusal(registry, realm))
        .contains("another port")
        .endsWith("--probe-allow registry.example.com:5001");
    assertThat(
            defaults
                .allowing(List.of("registry.example.com:5001"))
                .credentialRefusal(registry, realm))
        .isNull();
    assertThat(
            defaults
                .allowing(List.of("registry.example.com:5002"))
                .credentialRefusal(registry, realm))
        .contains("another port");
    assertThat(
            defaults.credentialRefusal(
                registry, java.net.URI.create("http://registry.example.com:5000/auth")))
        .contains("not HTTPS");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not a host!",
        "127.0.0.0/99",
        "10.0.0.0/x",
        "0x7f.1/8",
        "0x7f.1:5001",
        "registry.example.com:0",
        "registry.example.com:70000"
      })
  void bad_probe_allow_values_are_rejected(String value) {
    assertThatThrownBy(() -> defaults.allowing(List.of(value)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void insecure_registries_match_host_or_host_and_port() {
    ProbePolicy policy =
        defaults.withInsecureRegistries(List.of("Registry.Local", "10.0.0.5:5000"));

    assertThat(policy.allowsPlainHttp("registry.local", 80)).isTrue();
    assertThat(policy.allowsPlainHttp("registry.local", 5000)).isTrue();
    assertThat(policy.allowsPlainHttp("10.0.0.5", 5000)).isTrue();
    assertThat(policy.allowsPlainHttp("10.0.0.5", 5001)).isFalse();
    assertThat(policy.allowsPlainHttp("registry.example.com", 443)).isFalse();
  }

  @Test
  void cidr_ranges_and_literals() throws Exception {
    assertThat(Cidr.parse("10.1.0.0/16").contains(ip("10.1.200.3"))).isTrue();
    assertThat(Cidr.parse("10.1.0.0/16").contains(ip("10.2.0.1"))).isFalse();
    assertThat(Cidr.parse("10.1.0.0/17").contains(ip("10.1.128.1"))).isFalse();
    assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
    assertThat(Cidr.parse("::1").contains(ip("127.0.0.1"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").toString()).isEqualTo("0.0.0.0/0");
    assertThat(IpLiterals.parse("registry.example.com")).isNull();
    assertThat(IpLiterals.parse("[::1]").address()).isEqualTo(ip("::1"));
    assertThat(IpLiterals.parse("999.1.1.1").ambiguous()).isTrue();
    assertThat(AddressVetting.embeddedIpv4(ip("2001:db8::1"))).isEmpty();
  }

  @Test
  void proxies_follow_go_semantics_for_no_proxy() throws Exception {
    Proxies proxies =
        Proxies.fromEnvironment(
            Map.of(
                "HTTPS_PROXY", "http://user:pw@proxy.corp.example:3128",
                "no_proxy", "internal.example, .svc, 10.0.0.0/8, registry.local:5000"));

    assertThat(proxies.forUri(java.net.URI.create("https://registry.example.com/v2/")))
        .satisfies(
            p -> {
              assertThat(p.host()).isEqualTo("proxy.corp.example");
              assertThat(p.port()).isEqualTo(3128);
              assertThat(p.authorization()).startsWith("Basic ");
              assertThat(p.toString()).doesNotContain("pw");
            });
    for (String direct :
        List.of(
            "https://internal.example/v2/",
            "https://reg.internal.example/v2/",
            "https://harbor.airbyte.svc/v2/",
            "https://10.1.2.3/v2/",
            "https://registry.local:5000/v2/",
            "https://localhost:5000/v2/",
            "https://127.0.0.1:5000/v2/",
            "http://registry.example.com/v2/")) {
      assertThat(proxies.forUri(java.net.URI.create(direct))).as(direct).isNull();
    }
    assertThat(proxies.forUri(java.net.URI.create("https://registry.local:5001/v2/"))).isNotNull();
    assertThat(
            Proxies.fromEnvironment(Map.of("https_proxy", "proxy:8080", "NO_PROXY", "*"))
                .forUri(java.net.URI.create("https://x.example/")))
        .isNull();
    assertThat(
            Proxies.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://proxy:1080"))
                .forUri(java.net.URI.create("https://x.example/")))
        .isNull();
  }

  @Test
  void challenges_are_parsed_like_rfc_7235() {
    Challenge bearer =
        Challenge.first(
            List.of(
                "Negotiate",
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                    + "scope=\"repository:library/nginx:pull\", error=insufficient_scope"));

    assertThat(bearer.bearer()).isTrue();
    assertThat(bearer.parameter("realm")).isEqualTo("https://auth.docker.io/token");
    assertThat(bearer.parameter("service")).isEqualTo("registry.docker.io");
    assertThat(bearer.parameter("scope")).isEqualTo("repository:library/nginx:pull");
    assertThat(bearer.parameter("error")).isEqualTo("insufficient_scope");
    assertThat(Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\"").parameter("realm"))
        .isEqualTo("a \"quoted\" realm");
    assertThat(Challenge.first(List.of("Negotiate")).scheme()).isEqualTo("Negotiate");
    assertThat(Challenge.parse("!!")).isNull();
    assertThat(Challenge.first(List.of())).isNull();
  }

  /** An address from a literal; no lookup happens for literals. */
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getAllByName(literal)[0];
  }
}
