package dev.pulldoctor.rules.goport;

import org.jspecify.annotations.Nullable;

/**
 * The part of Go's {@code net/url.Parse} the kubelet relies on for {@code auths} keys and image
 * names: whether an {@code http://} or {@code https://} URL parses, and its percent-decoded host
 * and path, as byte strings (see {@link GoBytes}).
 *
 * <p>Follows current Go: a {@code [} is only allowed at the start of the host, as a valid bracketed
 * IPv6 literal (Go's fixes for CVE-2025-47912 and CVE-2026-25679; older kubelets also accepted
 * {@code [...]} classes inside hosts), and an http(s) host may hold only one colon (Go 1.26 {@code
 * urlstrictcolons=1}, the default when go.mod says {@code godebug default=go1.26}). Kubelets built
 * with older Go accept a few more keys, e.g. {@code a:1:2}, but those can never match an image
 * reference anyway.
 */
public final class GoUrl {
  /** The fields of a parsed {@code url.URL} that the kubelet uses, as byte strings. */
  public record Parsed(String host, String path) {}

  /** Go's non-nil error from {@code url.Parse}; the reason follows Go's wording. */
  public static final class ParseError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    ParseError(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }

    /**
     * Go's message without the {@code parse "..."} prefix. An escape error inside userinfo does not
     * quote the escape, as it could be part of a password.
     */
    public String reason() {
      return reason;
    }
  }

  /** Go's {@code encoding} modes of {@code unescape} that this port needs. */
  private enum Mode {
    PATH,
    HOST,
    ZONE,
    USERINFO,
    FRAGMENT
  }

  private GoUrl() {}

  /**
   * Parses {@code raw} as Go's {@code url.Parse} would.
   *
   * @param raw a byte string starting with {@code http://} or {@code https://} (the only inputs the
   *     kubelet passes)
   * @throws ParseError where Go returns an error
   */
  public static Parsed parse(String raw) throws ParseError {
    if (!raw.startsWith("https://") && !raw.startsWith("http://")) {
      throw new IllegalArgumentException("only http:// and https:// URLs are supported");
    }
    int hash = raw.indexOf('#');
    String beforeFragment = hash < 0 ? raw : raw.substring(0, hash);
    for (int i = 0; i < beforeFragment.length(); i++) {
      char c = beforeFragment.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new ParseError("invalid control character in URL");
      }
    }
    String rest = beforeFragment.substring(raw.startsWith("https://") ? 8 : 7);
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String host = parseAuthority(authority);
    String path = unescape(slash < 0 ? "" : rest.substring(slash), Mode.PATH);
    if (hash >= 0) {
      // Go rejects bad escapes in the fragment too, although nothing uses the fragment
      unescape(raw.substring(hash + 1), Mode.FRAGMENT);
    }
    return new Parsed(host, path);
  }

  /** {@link #parse}, with null where Go returns an error. */
  public static @Nullable Parsed parseOrNull(String raw) {
    try {
      return parse(raw);
    } catch (ParseError e) {
      return null;
    }
  }

  private static String parseAuthority(String authority) throws ParseError {
    int at = authority.lastIndexOf('@');
    String host = parseHost(at < 0 ? authority : authority.substring(at + 1));
    if (at >= 0) {
      String userinfo = authority.substring(0, at);
      if (!validUserinfo(userinfo)) {
        throw new ParseError("invalid userinfo");
      }
      // Go unescapes user and password separately; no escape can span the ':', so one pass over
      // both accepts and rejects the same strings
      unescape(userinfo, Mode.USERINFO);
    }
    return host;
  }

  private static String parseHost(String host) throws ParseError {
    int open = host.lastIndexOf('[');
    if (open > 0) {
      throw new ParseError("invalid IP-literal");
    }
    if (open == 0) {
      int close = host.lastIndexOf(']');
      if (close < 0) {
        throw new ParseError("missing ']' in host");
      }
      String colonPort = host.substring(close + 1);
      if (!validOptionalPort(colonPort)) {
        throw new ParseError("invalid port " + goQuote(colonPort) + " after host");
      }
      String hostname = host.substring(1, close);
      // RFC 6874: a zone starts at "%25" and may escape more than a host may
      int zone = hostname.indexOf("%25");
      String unescaped =
          zone < 0
              ? unescape(hostname, Mode.HOST)
              : unescape(hostname.substring(0, zone), Mode.HOST)
                  + unescape(hostname.substring(zone), Mode.ZONE);
      if (!GoNetip.isIpv6(unescaped)) {
        throw new ParseError("invalid IP-literal");
      }
      return "[" + unescaped + "]" + colonPort;
    }
    // with urlstrictcolons everything from the first colon must be the port
    int colon = host.indexOf(':');
    if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
      throw new ParseError("invalid port " + goQuote(host.substring(colon)) + " after host");
    }
    return unescape(host, Mode.HOST);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean validUserinfo(String userinfo) {
    for (int i = 0; i < userinfo.length(); i++) {
      char c = userinfo.charAt(i);
      if (!isAlnum(c) && "-._:~!$&'()*+,;=%@".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code unescape}: percent-decodes into bytes, rejecting what the mode forbids. */
  private static String unescape(String s, Mode mode) throws ParseError {
    boolean hostLike = mode == Mode.HOST || mode == Mode.ZONE;
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '%') {
        if (hostLike && c < 0x80 && shouldEscapeInHost(c)) {
          throw new ParseError("invalid character " + goQuote(String.valueOf(c)) + " in host name");
        }
        out.append(c);
        i++;
        continue;
      }
      if (i + 2 >= s.length()
          || !GoNetip.isHex(s.charAt(i + 1))
          || !GoNetip.isHex(s.charAt(i + 2))) {
        throw escapeError(s.substring(i, Math.min(i + 3, s.length())), mode);
      }
      int v = (unhex(s.charAt(i + 1)) << 4) | unhex(s.charAt(i + 2));
      boolean percent = v == '%';
      // RFC 3986 lets hosts percent-encode only non-ASCII bytes; RFC 6874 adds %25 for zones
      if (mode == Mode.HOST && v < 0x80 && !percent) {
        throw escapeError(s.substring(i, i + 3), mode);
      }
      if (mode == Mode.ZONE && !percent && v != ' ' && shouldEscapeInHost(v)) {
        throw escapeError(s.substring(i, i + 3), mode);
      }
      out.append((char) v);
      i += 3;
    }
    return out.toString();
  }

  private static ParseError escapeError(String escape, Mode mode) {
    // the escape could be part of a password
    return new ParseError(
        mode == Mode.USERINFO
            ? "invalid URL escape in userinfo"
            : "invalid URL escape " + goQuote(escape));
  }

  /** Go's {@code shouldEscape(c, encodeHost)}. */
  private static boolean shouldEscapeInHost(int c) {
    return !isAlnum(c) && "!$&'()*+,;=:[]<>\"-_.~".indexOf(c) < 0;
  }

  private static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static int unhex(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  }

  private static String goQuote(String bytes) {
    return "\"" + bytes + "\"";
  }
}
