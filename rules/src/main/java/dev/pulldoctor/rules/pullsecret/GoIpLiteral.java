package dev.pulldoctor.rules.pullsecret;

/**
 * Whether Go's {@code netip.ParseAddr} accepts text as an IPv6 address (with optional zone), which
 * is what current Go's {@code url.Parse} requires between the brackets of a host. Written out
 * rather than using {@link java.net.InetAddress}, which may query DNS and accepts other forms.
 */
final class GoIpLiteral {
  private GoIpLiteral() {}

  /** True for an IPv6 address such as {@code ::1} or {@code fe80::1%eth0}; false for IPv4. */
  static boolean isIpv6(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':') {
        return parseIpv6(text);
      }
      if (c == '.' || c == '%') {
        return false;
      }
    }
    return false;
  }

  /** Mirrors {@code netip.parseIPv6}: 16 bytes in groups, at most one {@code ::}. */
  private static boolean parseIpv6(String text) {
    String s = text;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == s.length() - 1) {
        return false;
      }
      s = s.substring(0, zone);
    }
    int ellipsis = -1;
    if (s.startsWith("::")) {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) {
        return true;
      }
    }
    int bytes = 0;
    while (bytes < 16) {
      int digits = 0;
      int value = 0;
      while (digits < s.length() && hexValue(s.charAt(digits)) >= 0) {
        value = value * 16 + hexValue(s.charAt(digits));
        digits++;
        if (digits > 4 || value > 0xFFFF) {
          return false;
        }
      }
      if (digits == 0) {
        return false;
      }
      if (digits < s.length() && s.charAt(digits) == '.') {
        if ((ellipsis < 0 && bytes != 12) || bytes + 4 > 16 || !isIpv4(s)) {
          return false;
        }
        s = "";
        bytes += 4;
        break;
      }
      bytes += 2;
      s = s.substring(digits);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':' || s.length() == 1) {
        return false;
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) {
          return false;
        }
        ellipsis = bytes;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    if (!s.isEmpty()) {
      return false;
    }
    return bytes < 16 ? ellipsis >= 0 : ellipsis < 0;
  }

  /** Mirrors {@code netip.parseIPv4Fields}: four decimal fields, no leading zeros, each ≤ 255. */
  private static boolean isIpv4(String s) {
    String[] fields = s.split("\\.", -1);
    if (fields.length != 4) {
      return false;
    }
    for (String field : fields) {
      if (field.isEmpty()
          || field.length() > 3
          || (field.length() > 1 && field.charAt(0) == '0')
          || !field.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(field) > 255) {
        return false;
      }
    }
    return true;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
