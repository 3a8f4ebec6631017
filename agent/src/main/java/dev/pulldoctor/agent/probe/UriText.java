package dev.pulldoctor.agent.probe;

import java.net.URI;

/** Host and URL text for request lines, {@code Host} headers and messages. */
final class UriText {
  private UriText() {}

  /** {@code host} without IPv6 brackets. */
  static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** {@code host} as a header or request line writes it: IPv6 in brackets. */
  static String hostForHeader(String host) {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** {@code host:port}, IPv6 in brackets. */
  static String authority(String host, int port) {
    return hostForHeader(host) + ":" + port;
  }

  /** The origin-form request target: the raw path ({@code /} when empty) and query. */
  static String pathAndQuery(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /** A URL for messages: scheme, host, port and path, never user info or query. */
  static String display(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : ProbeText.shorten(uri.getRawPath(), 120));
  }
}
