package dev.pulldoctor.agent.probe;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} (either case), read the way Go's
 * {@code golang.org/x/net/http/httpproxy} reads them, because the container runtimes on the nodes
 * do: {@code localhost} and loopback addresses are never proxied; {@code NO_PROXY} holds host names
 * (matching subdomains too), {@code .suffix} or {@code *.suffix}, IP addresses, CIDR ranges, each
 * optionally with a port, or {@code *} for everything.
 */
public final class Proxies {
  private static final Pattern COMMA = Pattern.compile(",");

  /** An HTTP proxy to tunnel through. {@code authorization} is a Proxy-Authorization value. */
  record Proxy(String host, int port, @Nullable String authorization, String display) {
    /** Hides the credentials, should this record ever be printed. */
    @Override
    public String toString() {
      return "Proxy[" + display + "]";
    }
  }

  private final @Nullable Proxy https;
  private final @Nullable Proxy http;
  private final List<String> noProxy;
  private final boolean bypassLoopback;

  Proxies(
      @Nullable Proxy https, @Nullable Proxy http, List<String> noProxy, boolean bypassLoopback) {
    this.https = https;
    this.http = http;
    this.noProxy = List.copyOf(noProxy);
    this.bypassLoopback = bypassLoopback;
  }

  /** No proxy at all. */
  public static Proxies none() {
    return new Proxies(null, null, List.of(), true);
  }

  /** The proxies configured in {@code env}, as for the process environment. */
  public static Proxies fromEnvironment(Map<String, String> env) {
    List<String> noProxy = new ArrayList<>();
    String no = first(env, "NO_PROXY", "no_proxy");
    if (no != null) {
      for (String entry : COMMA.split(no, -1)) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        if (!e.isEmpty()) {
          noProxy.add(e);
        }
      }
    }
    return new Proxies(
        parse(first(env, "HTTPS_PROXY", "https_proxy")),
        parse(first(env, "HTTP_PROXY", "http_proxy")),
        noProxy,
        true);
  }

  /** The proxy for a request to {@code uri}, or null to connect directly. */
  @Nullable Proxy forUri(URI uri) {
    Proxy proxy = "https".equals(uri.getScheme()) ? https : http;
    if (proxy == null) {
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    IpLiterals.Literal literal = IpLiterals.parse(host);
    if (bypassLoopback
        && (host.equals("localhost")
            || (literal != null
                && literal.address() != null
                && literal.address().isLoopbackAddress()))) {
      return null;
    }
    int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    for (String entry : noProxy) {
      if (matches(entry, host, port, literal == null ? null : literal.address())) {
        return null;
      }
    }
    return proxy;
  }

  private static boolean matches(
      String entry, String host, int port, @Nullable InetAddress address) {
    if (entry.equals("*")) {
      return true;
    }
    if (entry.contains("/")) {
      try {
        return address != null && Cidr.parse(entry).contains(address);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    String name = entry;
    int colon = entry.lastIndexOf(':');
    if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("[0-9]+")) {
      if (Integer.parseInt(entry.substring(colon + 1)) != port) {
        return false;
      }
      name = entry.substring(0, colon);
    }
    IpLiterals.Literal literal = IpLiterals.parse(name);
    if (literal != null) {
      return address != null && address.equals(literal.address());
    }
    if (name.startsWith("*.")) {
      name = name.substring(1);
    }
    if (name.startsWith(".")) {
      return host.endsWith(name);
    }
    return host.equals(name) || host.endsWith("." + name);
  }

  private static @Nullable String first(Map<String, String> env, String upper, String lower) {
    String value = env.get(upper);
    if (value == null || value.isBlank()) {
      value = env.get(lower);
    }
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static @Nullable Proxy parse(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String text = value.contains("://") ? value : "http://" + value;
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
        // Only HTTP proxies with CONNECT are supported; others are ignored, with the reason logged
        // by the caller that reports the proxy in use.
        return null;
      }
      String authorization = null;
      if (uri.getRawUserInfo() != null) {
        authorization = AuthorizationHeader.basicOf(uri.getUserInfo());
      }
      int port = uri.getPort() > 0 ? uri.getPort() : 80;
      return new Proxy(uri.getHost(), port, authorization, uri.getHost() + ":" + port);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
