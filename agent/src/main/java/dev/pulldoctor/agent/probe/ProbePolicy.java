package dev.pulldoctor.agent.probe;

import com.google.common.net.InternetDomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules every registry probe call obeys (docs/registry-probes.md, "Safety rules", with the CVEs
 * behind them): which addresses may be contacted, which hosts may receive credentials, where plain
 * HTTP is allowed, and the limits on time, size and redirects.
 *
 * <p>Link-local, cloud-metadata, unspecified and multicast addresses are always refused, also when
 * embedded in IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4). Loopback is refused unless an
 * allowed range covers it. Private ranges are allowed: in-cluster and air-gapped registries live
 * there.
 *
 * @param allowedRanges ranges from {@code --probe-allow CIDR}; the only way to reach loopback
 * @param credentialHosts token-realm hosts named with {@code --probe-allow HOST} that may receive
 *     credentials although they are not on the registry's domain
 * @param insecureRegistries {@code host} or {@code host:port} from {@code --insecure-registry}: the
 *     only registries spoken to over plain HTTP
 * @param connectTimeout the limit for one TCP connect (and for DNS)
 * @param requestTimeout the limit for one request, redirects included
 * @param maxBodyBytes the most bytes read from any response body
 * @param maxRedirects the most redirects followed for one request
 * @param concurrency how many registries are probed at once
 */
public record ProbePolicy(
    List<Cidr> allowedRanges,
    Set<String> credentialHosts,
    Set<String> insecureRegistries,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBodyBytes,
    int maxRedirects,
    int concurrency) {

  /** Host names of cloud metadata services, refused whatever they resolve to. */
  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "metadata.azure.internal",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.tencentyun.com",
          "metadata.packet.net");

  /** Metadata addresses outside 169.254.0.0/16 (AWS IPv6, Alibaba, Oracle). */
  private static final List<Cidr> METADATA_ADDRESSES =
      List.of(
          Cidr.parse("fd00:ec2::254/128"),
          Cidr.parse("100.100.100.200/32"),
          Cidr.parse("192.0.0.192/32"));

  private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
  private static final Cidr LINK_LOCAL_V4 = Cidr.parse("169.254.0.0/16");
  private static final Cidr LINK_LOCAL_V6 = Cidr.parse("fe80::/10");
  private static final Cidr BROADCAST = Cidr.parse("255.255.255.255/32");

  /**
   * Registry services that give each tenant a subdomain but are missing from the public suffix
   * list: under them, only the exact registry host may receive its credentials.
   */
  private static final List<String> TENANT_SUFFIXES =
      List.of(
          "azurecr.io",
          "azurecr.cn",
          "azurecr.de",
          "azurecr.us",
          "amazonaws.com",
          "amazonaws.com.cn",
          "on.aws",
          "pkg.dev",
          "jfrog.io",
          "ocir.io");

  /** Token hosts of registries that are known not to share the registry's domain. */
  private static final Map<String, String> KNOWN_REALMS =
      Map.of("registry-1.docker.io", "auth.docker.io");

  public ProbePolicy {
    allowedRanges = List.copyOf(allowedRanges);
    credentialHosts = lower(credentialHosts);
    insecureRegistries = lower(insecureRegistries);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (maxBodyBytes <= 0 || maxRedirects < 0 || concurrency <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The defaults: nothing extra allowed, connect 5 s, request 10 s, 256 KiB, 3 redirects, 4. */
  public static ProbePolicy defaults() {
    return new ProbePolicy(
        List.of(),
        Set.of(),
        Set.of(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        256 * 1024,
        3,
        4);
  }

  /**
   * Applies {@code --probe-allow} values: an IP address or CIDR range allows those addresses
   * (loopback needs this), anything else names a host trusted with credentials as a token realm.
   *
   * @throws IllegalArgumentException for a value that is neither
   */
  public ProbePolicy allowing(List<String> values) {
    List<Cidr> ranges = new ArrayList<>(allowedRanges);
    List<String> hosts = new ArrayList<>(credentialHosts);
    for (String value : values) {
      String v = value.strip();
      IpLiterals.Literal literal =
          IpLiterals.parse(v.contains("/") ? v.substring(0, v.indexOf('/')) : v);
      if (literal != null || v.contains("/")) {
        ranges.add(Cidr.parse(v));
      } else if (InternetDomainName.isValid(v)) {
        hosts.add(v);
      } else {
        throw new IllegalArgumentException(
            "--probe-allow takes an IP range such as 127.0.0.0/8 or a host name: " + value);
      }
    }
    return new ProbePolicy(
        ranges,
        Set.copyOf(hosts),
        insecureRegistries,
        connectTimeout,
        requestTimeout,
        maxBodyBytes,
        maxRedirects,
        concurrency);
  }

  /** Applies {@code --insecure-registry HOST[:PORT]} values. */
  public ProbePolicy withInsecureRegistries(List<String> values) {
    return new ProbePolicy(
        allowedRanges,
        credentialHosts,
        Set.copyOf(values),
        connectTimeout,
        requestTimeout,
        maxBodyBytes,
        maxRedirects,
        concurrency);
  }

  /** This policy with other timeouts (tests and benchmarks use short ones). */
  public ProbePolicy withTimeouts(Duration connect, Duration request) {
    return new ProbePolicy(
        allowedRanges,
        credentialHosts,
        insecureRegistries,
        connect,
        request,
        maxBodyBytes,
        maxRedirects,
        concurrency);
  }

  /** This policy probing at most {@code registries} registries at once. */
  public ProbePolicy withConcurrency(int registries) {
    return new ProbePolicy(
        allowedRanges,
        credentialHosts,
        insecureRegistries,
        connectTimeout,
        requestTimeout,
        maxBodyBytes,
        maxRedirects,
        registries);
  }

  /** Whether plain HTTP may be used for {@code host} on {@code port}. */
  public boolean allowsPlainHttp(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    return insecureRegistries.contains(h) || insecureRegistries.contains(h + ":" + port);
  }

  /**
   * Why a host name may not be contacted at all, before any lookup: metadata names and IP literals
   * in ambiguous notations.
   *
   * @return null when the name may be resolved (or is an acceptable literal)
   */
  public @Nullable String hostRefusal(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (METADATA_HOSTS.contains(h)) {
      return h + " is a cloud metadata service";
    }
    IpLiterals.Literal literal = IpLiterals.parse(h);
    if (literal != null && literal.ambiguous()) {
      return host + " is an IP address in a non-canonical notation";
    }
    return null;
  }

  /**
   * Why an address may not be connected to.
   *
   * @param address the address about to be connected to
   * @param proxy true for the operator's proxy, which may be on loopback
   * @return null when allowed, else the reason (e.g. {@code "link-local address 169.254.169.254"})
   */
  public @Nullable String addressRefusal(InetAddress address, boolean proxy) {
    String always = alwaysRefused(address);
    if (always != null) {
      return always;
    }
    InetAddress embedded = embeddedIpv4(address);
    if (embedded != null) {
      String inner = alwaysRefused(embedded);
      if (inner != null) {
        return inner + " (embedded in " + address.getHostAddress() + ")";
      }
    }
    InetAddress effective = embedded != null ? embedded : address;
    if (!proxy && effective.isLoopbackAddress() && !allowed(address) && !allowed(effective)) {
      return "loopback address "
          + address.getHostAddress()
          + " (allow it with --probe-allow "
          + (effective instanceof Inet4Address ? "127.0.0.0/8" : "::1/128")
          + ")";
    }
    return null;
  }

  /**
   * Whether credentials for {@code registryHost} may be sent to {@code realmHost}: the same host, a
   * host on the same registrable domain (public-suffix aware, so {@code a.azurecr.io} never trusts
   * {@code b.azurecr.io}), a known pairing such as Docker Hub's {@code auth.docker.io}, or a host
   * named with {@code --probe-allow}.
   */
  public boolean mayReceiveCredentials(String registryHost, String realmHost) {
    String registry = registryHost.toLowerCase(Locale.ROOT);
    String realm = realmHost.toLowerCase(Locale.ROOT);
    if (registry.equals(realm) || credentialHosts.contains(realm)) {
      return true;
    }
    if (realm.equals(KNOWN_REALMS.get(registry))) {
      return true;
    }
    String a = registrableDomain(registry);
    return a != null && a.equals(registrableDomain(realm));
  }

  private static @Nullable String registrableDomain(String host) {
    if (IpLiterals.parse(host) != null || !InternetDomainName.isValid(host)) {
      return null;
    }
    for (String suffix : TENANT_SUFFIXES) {
      if (host.endsWith("." + suffix)) {
        return null;
      }
    }
    InternetDomainName name = InternetDomainName.from(host);
    return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : null;
  }

  private boolean allowed(InetAddress address) {
    return allowedRanges.stream().anyMatch(r -> r.contains(address));
  }

  private static @Nullable String alwaysRefused(InetAddress address) {
    if (address.isAnyLocalAddress() || THIS_NETWORK.contains(address)) {
      return "unspecified address " + address.getHostAddress();
    }
    for (Cidr metadata : METADATA_ADDRESSES) {
      if (metadata.contains(address)) {
        return "cloud metadata address " + address.getHostAddress();
      }
    }
    if (LINK_LOCAL_V4.contains(address) || LINK_LOCAL_V6.contains(address)) {
      return "link-local address "
          + address.getHostAddress()
          + " (where cloud metadata services live)";
    }
    if (address.isMulticastAddress() || BROADCAST.contains(address)) {
      return "multicast or broadcast address " + address.getHostAddress();
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
  static @Nullable InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    byte[] v4 = null;
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if ((b[0] & 0xff) == 0x00
        && (b[1] & 0xff) == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b
        && zero(b, 4, 12)) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      v4 = new byte[] {b[2], b[3], b[4], b[5]};
    }
    if (v4 == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  private static boolean zero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> lower(Set<String> values) {
    return values.stream()
        .map(v -> v.strip().toLowerCase(Locale.ROOT))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
