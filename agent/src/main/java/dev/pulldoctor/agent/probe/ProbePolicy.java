package dev.pulldoctor.agent.probe;

import com.google.common.net.InternetDomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
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
 * embedded in IPv6 ({@link #embeddedIpv4}: mapped, compatible, translated, NAT64, local-use NAT64,
 * 6to4, Teredo). Loopback is refused unless an allowed range covers it. Private ranges are allowed:
 * in-cluster and air-gapped registries live there.
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
 * @param runDeadline the limit for a whole run's probe phase; null: derived from the request
 *     timeout ({@link #runDeadline(int)})
 */
public record ProbePolicy(
    List<Cidr> allowedRanges,
    Set<String> credentialHosts,
    Set<String> insecureRegistries,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBodyBytes,
    int maxRedirects,
    int concurrency,
    @Nullable Duration runDeadline) {

  /**
   * Requests one probe of one image may make with one credential: ping, token, HEAD and GET of the
   * manifest, and the config blob or the tag list.
   */
  static final int REQUESTS_PER_PROBE = 5;

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
    if (runDeadline != null && (runDeadline.isNegative() || runDeadline.isZero())) {
      throw new IllegalArgumentException("the probe run deadline must be positive");
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
        4,
        null);
  }

  /** {@code HOST:PORT} in {@code --probe-allow}: a token realm on exactly that port. */
  private static final java.util.regex.Pattern REALM_AUTHORITY =
      java.util.regex.Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):([0-9]{1,5})$");

  /**
   * Applies {@code --probe-allow} values: an IP address or CIDR range allows those addresses
   * (loopback needs this), {@code HOST:PORT} trusts a token realm on another port of the registry's
   * host (docker_auth's usual setup), anything else names a host trusted with credentials as a
   * token realm.
   *
   * @throws IllegalArgumentException for a value that is none of these
   */
  public ProbePolicy allowing(List<String> values) {
    List<Cidr> ranges = new ArrayList<>(allowedRanges);
    List<String> hosts = new ArrayList<>(credentialHosts);
    for (String value : values) {
      String v = value.strip();
      java.util.regex.Matcher authority = REALM_AUTHORITY.matcher(v);
      if (authority.matches()) {
        IpLiterals.Literal host = IpLiterals.parse(authority.group(1));
        int port = Integer.parseInt(authority.group(2));
        if ((host == null ? !InternetDomainName.isValid(authority.group(1)) : host.ambiguous())
            || port == 0
            || port > 65535) {
          throw new IllegalArgumentException(
              "--probe-allow takes HOST:PORT of a token realm, e.g. registry.example.com:5001: "
                  + value);
        }
        hosts.add(UriText.bare(authority.group(1)) + ":" + port);
        continue;
      }
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
        concurrency,
        runDeadline);
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
        concurrency,
        runDeadline);
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
        concurrency,
        runDeadline);
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
        registries,
        runDeadline);
  }

  /** This policy giving a whole run's probe phase at most {@code deadline}. */
  public ProbePolicy withRunDeadline(Duration deadline) {
    return new ProbePolicy(
        allowedRanges,
        credentialHosts,
        insecureRegistries,
        connectTimeout,
        requestTimeout,
        maxBodyBytes,
        maxRedirects,
        concurrency,
        deadline);
  }

  /**
   * How long the probe phase of a run over {@code registries} registries may take: the one set with
   * {@link #withRunDeadline}, else the request timeout times {@link #REQUESTS_PER_PROBE} for each
   * round of {@code concurrency} registries probed at once (defaults: 50 s per round), so a
   * registry that stalls every request cannot hold up the run longer than one slow round.
   */
  public Duration runDeadline(int registries) {
    if (runDeadline != null) {
      return runDeadline;
    }
    long rounds = Math.max(1, (registries + concurrency - 1) / concurrency);
    return requestTimeout.multipliedBy(REQUESTS_PER_PROBE * rounds);
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
    List<InetAddress> embedded = embeddedIpv4(address);
    for (InetAddress inner : embedded) {
      String refusal = alwaysRefused(inner);
      if (refusal != null) {
        return refusal + " (embedded in " + address.getHostAddress() + ")";
      }
    }
    if (proxy || allowed(address)) {
      return null;
    }
    if (address.isLoopbackAddress()) {
      return loopbackRefusal(address, address instanceof Inet4Address ? "127.0.0.0/8" : "::1/128");
    }
    for (InetAddress inner : embedded) {
      if (inner.isLoopbackAddress() && !allowed(inner)) {
        return loopbackRefusal(address, "127.0.0.0/8");
      }
    }
    return null;
  }

  private static String loopbackRefusal(InetAddress address, String range) {
    return "loopback address "
        + address.getHostAddress()
        + " (allow it with --probe-allow "
        + range
        + ")";
  }

  /**
   * Why credentials for the registry at {@code registry} may not go to the token realm {@code
   * realm}: the realm must speak HTTPS (or plain HTTP to exactly a {@code --insecure-registry} host
   * and port), and on the registry's own host it must be the registry's own scheme and port,
   * because another port of the same host is another service, maybe anyone's.
   *
   * @return null when the credentials may be sent
   */
  public @Nullable String credentialRefusal(URI registry, URI realm) {
    String registryHost = hostOf(registry);
    String realmHost = hostOf(realm);
    String scheme = String.valueOf(realm.getScheme()).toLowerCase(Locale.ROOT);
    int realmPort = effectivePort(realm);
    if (!scheme.equals("https")
        && !(scheme.equals("http") && allowsPlainHttp(realmHost, realmPort))) {
      return "it is not HTTPS, and "
          + realmHost
          + ":"
          + realmPort
          + " is not a registry named with --insecure-registry";
    }
    if (registryHost.equals(realmHost)
        && (!scheme.equals(String.valueOf(registry.getScheme()).toLowerCase(Locale.ROOT))
            || realmPort != effectivePort(registry))
        && !credentialHosts.contains(realmHost + ":" + realmPort)) {
      return "it is on another port or scheme ("
          + scheme
          + " port "
          + realmPort
          + ") of the registry's host, which may be another service"
          + (suggestable(realmHost)
              ? ". If it is the registry's real token service, allow it with --probe-allow "
                  + (realmHost.indexOf(':') >= 0 ? "[" + realmHost + "]" : realmHost)
                  + ":"
                  + realmPort
              : "");
    }
    if (!mayReceiveCredentials(registryHost, realmHost)) {
      return "it is neither "
          + registryHost
          + " nor on its domain"
          + (suggestable(realmHost)
              ? ". If it is the registry's real token service, allow it with --probe-allow "
                  + realmHost
              : "");
    }
    return null;
  }

  /**
   * Whether a message may suggest {@code --probe-allow host}: only for a host name that is not a
   * metadata service. An IP literal is never suggested: {@code --probe-allow} with an address opens
   * an address range, not a token realm, and a message must never invite allowing a metadata
   * address such as 169.254.169.254.
   */
  private boolean suggestable(String host) {
    return IpLiterals.parse(host) == null
        && InternetDomainName.isValid(host)
        && hostRefusal(host) == null;
  }

  private static String hostOf(URI uri) {
    return uri.getHost() == null ? "" : UriText.bare(uri.getHost()).toLowerCase(Locale.ROOT);
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
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

  /**
   * The IPv4 addresses an IPv6 address carries, in every form a gateway or host stack could turn
   * into an IPv4 connection: IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96},
   * IPv4-translated {@code ::ffff:0:0:0/96}, NAT64 {@code 64:ff9b::/96} (RFC 6052), local-use NAT64
   * {@code 64:ff9b:1::/48} (RFC 8215) at each RFC 6052 prefix length the operator may have chosen,
   * 6to4 {@code 2002::/16} and both ends of Teredo {@code 2001::/32} (RFC 4380).
   */
  static List<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return List.of();
    }
    byte[] b = address.getAddress();
    List<byte[]> found = new ArrayList<>();
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-mapped
    } else if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-compatible, but not :: or ::1
    } else if (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12)) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-translated (RFC 2765)
    } else if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && zero(b, 4, 12)) {
      found.add(slice(b, 12, 13, 14, 15)); // NAT64 well-known prefix, always /96
    } else if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
      localUseNat64(b, found);
    } else if (startsWith(b, 0x20, 0x02)) {
      found.add(slice(b, 2, 3, 4, 5)); // 6to4
    } else if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
      found.add(slice(b, 4, 5, 6, 7)); // Teredo server
      byte[] client = slice(b, 12, 13, 14, 15); // Teredo client, stored inverted
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~client[i];
      }
      found.add(client);
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (byte[] v4 : found) {
      try {
        addresses.add(InetAddress.getByAddress(v4));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are always an address", e);
      }
    }
    return addresses;
  }

  /**
   * 64:ff9b:1::/48 is for local use with any RFC 6052 prefix length from /48 to /96, which the
   * address does not tell: every reading whose u-octet (bits 64-71) and suffix are zero is taken.
   * Readings in 0.0.0.0/8 are left out: they are the zero padding of another reading (the /96
   * reading of a /48 address is 0.0.0.0), and no NAT64 gateway translates to 0.0.0.0/8.
   */
  private static void localUseNat64(byte[] b, List<byte[]> found) {
    List<byte[]> readings = new ArrayList<>();
    if (b[8] == 0 && zero(b, 11, 16)) {
      readings.add(slice(b, 6, 7, 9, 10)); // /48: 16 bits, the u-octet, 16 bits
    }
    if (b[8] == 0 && zero(b, 12, 16)) {
      readings.add(slice(b, 7, 9, 10, 11)); // /56: 8 bits, the u-octet, 24 bits
    }
    if (b[8] == 0 && zero(b, 13, 16)) {
      readings.add(slice(b, 9, 10, 11, 12)); // /64: the u-octet, then 32 bits
    }
    readings.add(slice(b, 12, 13, 14, 15)); // /96
    for (byte[] reading : readings) {
      if (reading[0] != 0) {
        found.add(reading);
      }
    }
  }

  private static byte[] slice(byte[] b, int... indexes) {
    byte[] out = new byte[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      out[i] = b[indexes[i]];
    }
    return out;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
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
