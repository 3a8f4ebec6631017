package dev.pulldoctor.agent.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Recognises IP-address literals in a host name in every notation a resolver might accept, so that
 * no literal ever reaches DNS and every one is checked as the address it denotes. C's {@code
 * inet_aton} reads {@code 2130706433}, {@code 0x7f.1} and {@code 0177.0.0.1} as 127.0.0.1; Java
 * reads some of them differently. Only the canonical dotted quad is accepted as an IPv4 literal;
 * the other forms are reported as ambiguous and never contacted.
 */
final class IpLiterals {
  private static final Pattern CANONICAL_V4 =
      Pattern.compile("^(?:0|[1-9][0-9]{0,2})(?:\\.(?:0|[1-9][0-9]{0,2})){3}$");
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");
  private static final Pattern INET_ATON_PART = Pattern.compile("^(?:0[xX][0-9a-fA-F]*|[0-9]+)$");

  private IpLiterals() {}

  /** A host as written in a URL or image reference, classified. */
  record Literal(@Nullable InetAddress address, boolean ambiguous) {}

  /**
   * Classifies {@code host} (brackets around IPv6 allowed).
   *
   * @return null when it is a name to resolve; a literal with its address; or a literal flagged
   *     ambiguous when it is numeric in a non-canonical notation
   */
  static @Nullable Literal parse(String host) {
    String h = host;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.indexOf(':') >= 0) {
      if (h.indexOf('%') >= 0 || !IPV6_CHARS.matcher(h).matches()) {
        return new Literal(null, true);
      }
      try {
        // contains ':' so Java parses it as an IPv6 literal without any lookup
        return new Literal(InetAddress.getByName(h), false);
      } catch (UnknownHostException e) {
        return new Literal(null, true);
      }
    }
    String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    if (CANONICAL_V4.matcher(name).matches()) {
      byte[] bytes = new byte[4];
      int i = 0;
      for (String part : DOT.split(name, -1)) {
        int value = Integer.parseInt(part);
        if (value > 255) {
          return new Literal(null, true);
        }
        bytes[i++] = (byte) value;
      }
      try {
        return new Literal(InetAddress.getByAddress(bytes), false);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are always an address", e);
      }
    }
    return looksNumeric(name) ? new Literal(null, true) : null;
  }

  /**
   * True when every dot-separated part is a number in {@code inet_aton}'s notations (decimal, octal
   * with a leading 0, hex with 0x): a resolver could take it for an address.
   */
  private static boolean looksNumeric(String name) {
    if (name.isEmpty()) {
      return false;
    }
    String[] parts = DOT.split(name.toLowerCase(Locale.ROOT), -1);
    if (parts.length > 4) {
      return false;
    }
    for (String part : parts) {
      if (!INET_ATON_PART.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }
}
