package dev.pulldoctor.agent.probe;

import java.net.URI;
import java.util.Locale;

/**
 * The registry one probe talks to, and the scheme it is spoken to with.
 *
 * @param scheme {@code https}, or {@code http} for a registry named with {@code
 *     --insecure-registry}
 * @param registry the registry as the image names it, {@code host[:port]}
 */
record RegistryEndpoint(String scheme, String registry) {

  /** The endpoint of {@code registry}, plain HTTP only where the policy allows it. */
  static RegistryEndpoint of(String registry, ProbePolicy policy) {
    URI base = URI.create("https://" + registry);
    int port = base.getPort() > 0 ? base.getPort() : 443;
    boolean plain =
        base.getHost() != null && policy.allowsPlainHttp(UriText.bare(base.getHost()), port);
    return new RegistryEndpoint(plain ? "http" : "https", registry);
  }

  /** The URL of {@code path} (which starts with {@code /}) on the registry. */
  URI uri(String path) {
    return URI.create(scheme + "://" + registry.toLowerCase(Locale.ROOT) + path);
  }

  /** The registry for messages, with its scheme. */
  String display() {
    return scheme + "://" + registry;
  }
}
