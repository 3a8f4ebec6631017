package dev.pulldoctor.rules.goport;

import org.jspecify.annotations.Nullable;

/** A port of Go's {@code net.SplitHostPort} (net/ipsock.go), on byte strings. */
public final class GoNet {
  /** A host and port as {@code SplitHostPort} returns them; the host without brackets. */
  public record HostPort(String host, String port) {}

  private GoNet() {}

  /**
   * Splits {@code host:port}, {@code [host]:port} or {@code [host%zone]:port}.
   *
   * @return the parts, or null where Go returns an error (no colon, too many colons, stray
   *     brackets)
   */
  public static @Nullable HostPort splitHostPort(String hostport) {
    int colon = hostport.lastIndexOf(':');
    if (colon < 0) {
      return null;
    }
    String host;
    int noOpen = 0;
    int noClose = 0;
    if (hostport.charAt(0) == '[') {
      int end = hostport.indexOf(']');
      if (end < 0 || end + 1 != colon) {
        return null;
      }
      host = hostport.substring(1, end);
      noOpen = 1;
      noClose = end + 1;
    } else {
      host = hostport.substring(0, colon);
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostport.indexOf('[', noOpen) >= 0 || hostport.indexOf(']', noClose) >= 0) {
      return null;
    }
    return new HostPort(host, hostport.substring(colon + 1));
  }
}
