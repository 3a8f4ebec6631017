package dev.pulldoctor.agent.probe;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An address range such as {@code 127.0.0.0/8} or {@code ::1/128}; a bare address is a /32 or /128.
 */
record Cidr(InetAddress base, int prefix) {

  Cidr {
    Objects.requireNonNull(base, "base");
    int bits = base.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix length must be 0.." + bits);
    }
  }

  /**
   * Parses {@code ADDRESS[/PREFIX]} with a canonical IPv4 or an IPv6 address.
   *
   * @throws IllegalArgumentException when the text is not such a range
   */
  static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    IpLiterals.Literal literal = IpLiterals.parse(address);
    if (literal == null || literal.address() == null) {
      throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
    }
    InetAddress base = literal.address();
    int bits = base.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = text.substring(slash + 1);
      if (!length.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      prefix = Integer.parseInt(length);
    }
    return new Cidr(base, prefix);
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] b = base.getAddress();
    if (a.length != b.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (b[full] & mask);
  }

  @Override
  public String toString() {
    return base.getHostAddress() + "/" + prefix;
  }
}
