package dev.pulldoctor.agent.probe;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * Addresses no probe may ever connect to, decided independently of {@link ProbePolicy} (a second
 * opinion for the attack suite and the fuzz target: a bug in the policy must not also be a bug in
 * the test).
 */
final class ForbiddenAddresses {
  private ForbiddenAddresses() {}

  /** Why {@code address} is forbidden, or null when a probe may connect to it. */
  static @Nullable String reason(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address && isMappedOrCompatible(b)) {
      byte[] v4 = {b[12], b[13], b[14], b[15]};
      return reasonV4(v4);
    }
    if (b.length == 4) {
      return reasonV4(b);
    }
    for (byte[] v4 : carriedIpv4(b)) {
      String inner = reasonV4(v4);
      if (inner != null) {
        return inner + " inside IPv6";
      }
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (address.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return "IPv6 link-local";
    }
    if (first == 0xff) {
      return "IPv6 multicast";
    }
    if (address.getHostAddress().startsWith("fd00:ec2:0:0:0:0:0:254")) {
      return "AWS IPv6 metadata";
    }
    return null;
  }

  private static @Nullable String reasonV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    int a3 = b[3] & 0xff;
    if (a0 == 0) {
      return "this network (0.0.0.0/8)";
    }
    if (a0 == 169 && a1 == 254) {
      return "link-local / metadata 169.254.0.0/16";
    }
    if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) {
      return "Alibaba metadata";
    }
    if (a0 == 192 && a1 == 0 && a2 == 0 && a3 == 192) {
      return "Oracle metadata";
    }
    if (a0 >= 224) {
      return "multicast, reserved or broadcast";
    }
    return null;
  }

  /**
   * IPv4 addresses that relays and gateways derive from an IPv6 address: NAT64 (well-known /96 and
   * the local-use /48 at its /96 and /48 positions), 6to4, Teredo server and client (inverted),
   * IPv4-translated.
   */
  private static java.util.List<byte[]> carriedIpv4(byte[] b) {
    java.util.List<byte[]> found = new java.util.ArrayList<>();
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    if (w0 == 0x64 && w1 == 0xff9b && (w2 == 0 || w2 == 1)) {
      found.add(new byte[] {b[12], b[13], b[14], b[15]});
      if (w2 == 1) {
        found.add(new byte[] {b[6], b[7], b[9], b[10]});
      }
    }
    if (w0 == 0x2002) {
      found.add(new byte[] {b[2], b[3], b[4], b[5]});
    }
    if (w0 == 0x2001 && w1 == 0) {
      found.add(new byte[] {b[4], b[5], b[6], b[7]});
      found.add(new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]});
    }
    boolean translated = (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff;
    for (int i = 0; i < 8 && translated; i++) {
      translated = b[i] == 0;
    }
    if (translated && b[10] == 0 && b[11] == 0) {
      found.add(new byte[] {b[12], b[13], b[14], b[15]});
    }
    // the /48 reading of a local-use NAT64 address with a zero suffix may be 0.0.0.0/8 padding
    found.removeIf(v4 -> v4[0] == 0 && w2 == 1);
    return found;
  }

  private static boolean isMappedOrCompatible(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff);
  }
}
