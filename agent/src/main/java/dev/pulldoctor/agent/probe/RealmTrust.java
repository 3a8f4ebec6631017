package dev.pulldoctor.agent.probe;

import com.google.common.net.InternetDomainName;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which token realms may receive a registry's credentials (docs/registry-probes.md, "Safety
 * rules"): the registry's own host on its own scheme and port, a host on its registrable domain, a
 * known pairing, or a host named with {@code --probe-allow}; over HTTPS, or plain HTTP only to an
 * {@code --insecure-registry}.
 */
final class RealmTrust {
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

  private RealmTrust() {}

  /**
   * Why credentials for the registry at {@code registry} may not go to the token realm {@code
   * realm}: the realm must speak HTTPS (or plain HTTP to exactly a {@code --insecure-registry} host
   * and port), and on the registry's own host it must be the registry's own scheme and port,
   * because another port of the same host is another service, maybe anyone's.
   *
   * @return null when the credentials may be sent
   */
  static @Nullable String credentialRefusal(ProbePolicy policy, URI registry, URI realm) {
    String registryHost = hostOf(registry);
    String realmHost = hostOf(realm);
    String scheme = String.valueOf(realm.getScheme()).toLowerCase(Locale.ROOT);
    int realmPort = effectivePort(realm);
    if (!scheme.equals("https")
        && !(scheme.equals("http") && policy.allowsPlainHttp(realmHost, realmPort))) {
      return "it is not HTTPS, and "
          + realmHost
          + ":"
          + realmPort
          + " is not a registry named with --insecure-registry";
    }
    if (registryHost.equals(realmHost)
        && (!scheme.equals(String.valueOf(registry.getScheme()).toLowerCase(Locale.ROOT))
            || realmPort != effectivePort(registry))
        && !policy.credentialHosts().contains(realmHost + ":" + realmPort)) {
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
    if (!mayReceiveCredentials(policy.credentialHosts(), registryHost, realmHost)) {
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
  private static boolean suggestable(String host) {
    return IpLiterals.parse(host) == null
        && InternetDomainName.isValid(host)
        && AddressVetting.hostRefusal(host) == null;
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
  static boolean mayReceiveCredentials(
      Set<String> credentialHosts, String registryHost, String realmHost) {
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
}
