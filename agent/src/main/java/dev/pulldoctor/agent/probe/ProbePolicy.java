package dev.pulldoctor.agent.probe;

import com.google.common.net.InternetDomainName;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules every registry probe call obeys (docs/registry-probes.md, "Safety rules", with the CVEs
 * behind them): which addresses may be contacted, which hosts may receive credentials, where plain
 * HTTP is allowed, and the limits on time, size and redirects.
 *
 * <p>Link-local, cloud-metadata, unspecified and multicast addresses are always refused, also when
 * embedded in IPv6 ({@link AddressVetting#embeddedIpv4}: mapped, compatible, translated, NAT64,
 * local-use NAT64, 6to4, Teredo). Loopback is refused unless an allowed range covers it. Private
 * ranges are allowed: in-cluster and air-gapped registries live there.
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
    Draft draft = new Draft(this);
    draft.allowedRanges = ranges;
    draft.credentialHosts = Set.copyOf(hosts);
    return draft.build();
  }

  /** Applies {@code --insecure-registry HOST[:PORT]} values. */
  public ProbePolicy withInsecureRegistries(List<String> values) {
    Draft draft = new Draft(this);
    draft.insecureRegistries = Set.copyOf(values);
    return draft.build();
  }

  /** This policy with other timeouts (tests and benchmarks use short ones). */
  public ProbePolicy withTimeouts(Duration connect, Duration request) {
    Draft draft = new Draft(this);
    draft.connectTimeout = connect;
    draft.requestTimeout = request;
    return draft.build();
  }

  /** This policy probing at most {@code registries} registries at once. */
  public ProbePolicy withConcurrency(int registries) {
    Draft draft = new Draft(this);
    draft.concurrency = registries;
    return draft.build();
  }

  /** This policy giving a whole run's probe phase at most {@code deadline}. */
  public ProbePolicy withRunDeadline(Duration deadline) {
    Draft draft = new Draft(this);
    draft.runDeadline = deadline;
    return draft.build();
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
    return AddressVetting.hostRefusal(host);
  }

  /**
   * Why an address may not be connected to.
   *
   * @param address the address about to be connected to
   * @param proxy true for the operator's proxy, which may be on loopback
   * @return null when allowed, else the reason (e.g. {@code "link-local address 169.254.169.254"})
   */
  public @Nullable String addressRefusal(InetAddress address, boolean proxy) {
    return AddressVetting.addressRefusal(address, proxy, allowedRanges);
  }

  /**
   * Why credentials for the registry at {@code registry} may not go to the token realm {@code
   * realm} ({@link RealmTrust#credentialRefusal}).
   *
   * @return null when the credentials may be sent
   */
  public @Nullable String credentialRefusal(URI registry, URI realm) {
    return RealmTrust.credentialRefusal(this, registry, realm);
  }

  /**
   * Whether credentials for {@code registryHost} may be sent to {@code realmHost} ({@link
   * RealmTrust#mayReceiveCredentials}).
   */
  public boolean mayReceiveCredentials(String registryHost, String realmHost) {
    return RealmTrust.mayReceiveCredentials(credentialHosts, registryHost, realmHost);
  }

  private static Set<String> lower(Set<String> values) {
    return values.stream()
        .map(v -> v.strip().toLowerCase(Locale.ROOT))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** A policy being changed: the withers above set what differs, the constructor checks it all. */
  private static final class Draft {
    private List<Cidr> allowedRanges;
    private Set<String> credentialHosts;
    private Set<String> insecureRegistries;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private final int maxBodyBytes;
    private final int maxRedirects;
    private int concurrency;
    private @Nullable Duration runDeadline;

    Draft(ProbePolicy from) {
      allowedRanges = from.allowedRanges();
      credentialHosts = from.credentialHosts();
      insecureRegistries = from.insecureRegistries();
      connectTimeout = from.connectTimeout();
      requestTimeout = from.requestTimeout();
      maxBodyBytes = from.maxBodyBytes();
      maxRedirects = from.maxRedirects();
      concurrency = from.concurrency();
      runDeadline = from.runDeadline();
    }

    ProbePolicy build() {
      return new ProbePolicy(
          allowedRanges,
          credentialHosts,
          insecureRegistries,
          connectTimeout,
          requestTimeout,
          maxBodyBytes,
          maxRedirects,
          concurrency,
          runDeadline);
    }
  }
}
