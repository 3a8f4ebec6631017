package dev.pulldoctor.rules.goport;

/**
 * Whether Go's {@code net/netip.ParseAddr} accepts text as an IPv6 address (with optional zone),
 * which is what current Go's {@code url.Parse} requires between the brackets of a host. Written out
 * rather than using {@code java.net.InetAddress}, which may query DNS and accepts other forms.
 */
public final class GoNetip {
  private GoNetip() {}

  /**
   * True for an IPv6 address such as {@code ::1}, {@code ::ffff:1.2.3.4} or {@code fe80::1%eth0};
   * false for IPv4 and for everything {@code ParseAddr} rejects.
   */
  public static boolean isIpv6(String s) {
    // ParseAddr dispatches on the first '.', ':' or '%'
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return parseIpv6(s);
      }
      if (c == '.' || c == '%') {
        return false;
      }
    }
    return false;
  }

  /** Mirrors {@code netip.parseIPv6}: 16 bytes in groups, at most one {@code ::}. */
  private static boolean parseIpv6(String in) {
    String s = in;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == s.length() - 1) {
        return false; // "zone must be a non-empty string"
      }
      s = s.substring(0, zone);
    }
    boolean ellipsis = false;
    if (s.startsWith("::")) {
      ellipsis = true;
      s = s.substring(2);
      if (s.isEmpty()) {
        return true;
      }
    }
    int filled = 0;
    while (filled < 16) {
      int digits = 0;
      while (digits < s.length() && isHex(s.charAt(digits))) {
        if (digits == 4) {
          return false; // "each colon-separated field must have at most 4 hex digits"
        }
        digits++;
      }
      if (digits == 0) {
        return false;
      }
      if (digits < s.length() && s.charAt(digits) == '.') {
        // an embedded IPv4 address must fill the last four bytes
        if ((!ellipsis && filled != 12) || filled + 4 > 16 || !isIpv4(s)) {
          return false;
        }
        filled += 4;
        s = "";
        break;
      }
      filled += 2;
      s = s.substring(digits);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':' || s.length() == 1) {
        return false;
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis) {
          return false;
        }
        ellipsis = true;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    // "::" must stand for at least one zero group, and is needed when groups are missing
    return s.isEmpty() && (filled < 16 ? ellipsis : !ellipsis);
  }

  /** Mirrors {@code netip.parseIPv4Fields}: four decimal fields, no leading zeros, each ≤ 255. */
  private static boolean isIpv4(String s) {
    int dots = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0) {
          return false;
        }
        value = value * 10 + c - '0';
        digits++;
        if (value > 255) {
          return false;
        }
      } else if (c == '.') {
        if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.' || dots == 3) {
          return false;
        }
        dots++;
        value = 0;
        digits = 0;
      } else {
        return false;
      }
    }
    return dots == 3;
  }

  static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
