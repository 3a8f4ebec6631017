package dev.pulldoctor.rules.pullsecret;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The part of Go's {@code net/url.Parse} the kubelet relies on for {@code auths} keys: whether a
 * {@code http://} or {@code https://} URL parses, and its decoded host and path.
 *
 * <p>Follows current Go: bracketed hosts must be IPv6 literals (the CVE-2025-47912 fix in Go
 * 1.24.8/1.25.2) and a host may hold no colon but the port's (Go 1.26 {@code urlstrictcolons}).
 * Kubelets built with older Go accept a few more keys, e.g. {@code a:1:2}, but those can never
 * match an image reference anyway, so reporting them as unusable holds for every kubelet.
 *
 * <p>Go works on bytes and this class on chars; that gives the same verdicts because every byte Go
 * tests is ASCII and every non-ASCII char is made of bytes of 0x80 and above, which Go lets through
 * in the same places.
 */
final class GoUrl {
  /** The parsed host (with port) and percent-decoded path. */
  record HostPath(String host, String path) {}

  private enum Part {
    HOST,
    ZONE,
    OTHER
  }

  private GoUrl() {}

  /**
   * Parses {@code raw} as Go's {@code url.Parse} would.
   *
   * @return the host and path, or null when Go returns an error or {@code raw} does not start with
   *     {@code http://} or {@code https://} (the only inputs the kubelet passes)
   */
  static @Nullable HostPath parse(String raw) {
    if (!raw.startsWith("http://") && !raw.startsWith("https://")) {
      return null;
    }
    int hash = raw.indexOf('#');
    String beforeFragment = hash < 0 ? raw : raw.substring(0, hash);
    if (hash >= 0 && unescape(raw.substring(hash + 1), Part.OTHER) == null) {
      return null;
    }
    if (hasControlChar(beforeFragment)) {
      return null;
    }
    String rest = beforeFragment.substring(beforeFragment.indexOf(':') + 1);
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    String authority = rest.substring(2);
    String rawPath = "";
    int slash = authority.indexOf('/');
    if (slash >= 0) {
      rawPath = authority.substring(slash);
      authority = authority.substring(0, slash);
    }
    String host = parseAuthority(authority);
    String path = unescape(rawPath, Part.OTHER);
    return host == null || path == null ? null : new HostPath(host, path);
  }

  private static @Nullable String parseAuthority(String authority) {
    int at = authority.lastIndexOf('@');
    String host = parseHost(authority.substring(at + 1));
    if (host == null || at < 0) {
      return host;
    }
    String userinfo = authority.substring(0, at);
    if (!validUserinfo(userinfo)) {
      return null;
    }
    int colon = userinfo.indexOf(':');
    if (colon < 0) {
      return unescape(userinfo, Part.OTHER) == null ? null : host;
    }
    boolean valid =
        unescape(userinfo.substring(0, colon), Part.OTHER) != null
            && unescape(userinfo.substring(colon + 1), Part.OTHER) != null;
    return valid ? host : null;
  }

  private static @Nullable String parseHost(String host) {
    int open = host.lastIndexOf('[');
    if (open > 0) {
      return null;
    }
    if (open < 0) {
      int colon = host.indexOf(':');
      if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
        return null;
      }
      return unescape(host, Part.HOST);
    }
    int close = host.lastIndexOf(']');
    if (close < 0 || !validOptionalPort(host.substring(close + 1))) {
      return null;
    }
    String inside = host.substring(1, close);
    int zone = inside.indexOf("%25");
    String address;
    if (zone < 0) {
      address = unescape(inside, Part.HOST);
    } else {
      String ip = unescape(inside.substring(0, zone), Part.HOST);
      String zoneId = unescape(inside.substring(zone), Part.ZONE);
      address = ip == null || zoneId == null ? null : ip + zoneId;
    }
    if (address == null || !GoIpLiteral.isIpv6(address)) {
      return null;
    }
    return "[" + address + "]" + host.substring(close + 1);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':') {
      return false;
    }
    return port.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean validUserinfo(String userinfo) {
    return userinfo
        .chars()
        .allMatch(c -> c < 0x80 && (isAlphanumeric(c) || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0));
  }

  private static boolean hasControlChar(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  /** Go's {@code unescape}: percent-decodes, or returns null where Go returns an error. */
  private static @Nullable String unescape(String s, Part part) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      if (c != '%') {
        if (part != Part.OTHER && c < 0x80 && !allowedInHost(c)) {
          return null;
        }
        out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(c);
        continue;
      }
      int high = i + 2 < s.length() ? hex(s.charAt(i + 1)) : -1;
      int low = i + 2 < s.length() ? hex(s.charAt(i + 2)) : -1;
      if (high < 0 || low < 0) {
        return null;
      }
      int value = high << 4 | low;
      boolean isPercent = value == '%';
      // Hosts may %-encode only non-ASCII bytes; RFC 6874 zones also what a host allows as is.
      if (part == Part.HOST && value < 0x80 && !isPercent) {
        return null;
      }
      if (part == Part.ZONE && !isPercent && value != ' ' && !allowedInHost(value)) {
        return null;
      }
      out.write(value);
      i += 3;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The complement of Go's {@code shouldEscape(c, encodeHost)}. */
  private static boolean allowedInHost(int c) {
    return c < 0x80 && (isAlphanumeric(c) || "-._~!$&'()*+,;=:[]<>\"".indexOf(c) >= 0);
  }

  private static boolean isAlphanumeric(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
