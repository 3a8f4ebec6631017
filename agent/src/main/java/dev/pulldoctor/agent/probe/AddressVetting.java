package dev.pulldoctor.agent.probe;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which host names and addresses a probe never contacts (docs/registry-probes.md, "Safety rules"):
 * cloud metadata names, IP literals in ambiguous notations, and link-local, cloud-metadata,
 * unspecified, multicast and broadcast addresses, also when embedded in IPv6 ({@link
 * #embeddedIpv4}); loopback unless an allowed range covers it. Private ranges are allowed:
 * in-cluster and air-gapped registries live there.
 */
final class AddressVetting {
  /** Host names of cloud metadata services, refused whatever they resolve to. */
  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "metadata.azure.internal",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.tencentyun.com",
          "metadata.packet.net");

  /** Metadata addresses outside 169.254.0.0/16 (AWS IPv6, Alibaba, Oracle). */
  private static final List<Cidr> METADATA_ADDRESSES =
      List.of(
          Cidr.parse("fd00:ec2::254/128"),
          Cidr.parse("100.100.100.200/32"),
          Cidr.parse("192.0.0.192/32"));

  private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
  private static final Cidr LINK_LOCAL_V4 = Cidr.parse("169.254.0.0/16");
  private static final Cidr LINK_LOCAL_V6 = Cidr.parse("fe80::/10");
  private static final Cidr BROADCAST = Cidr.parse("255.255.255.255/32");

  private AddressVetting() {}

  /**
   * Why a host name may not be contacted at all, before any lookup: metadata names and IP literals
   * in ambiguous notations.
   *
   * @return null when the name may be resolved (or is an acceptable literal)
   */
  static @Nullable String hostRefusal(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (METADATA_HOSTS.contains(h)) {
      return h + " is a cloud metadata service";
    }
    IpLiterals.Literal literal = IpLiterals.parse(h);
    if (literal != null && literal.ambiguous()) {
      return host + " is an IP address in a non-canonical notation";
    }
    return null;
  }

  /**
   * Why an address may not be connected to.
   *
   * @param address the address about to be connected to
   * @param proxy true for the operator's proxy, which may be on loopback
   * @param allowedRanges ranges from {@code --probe-allow CIDR}; the only way to reach loopback
   * @return null when allowed, else the reason (e.g. {@code "link-local address 169.254.169.254"})
   */
  static @Nullable String addressRefusal(
      InetAddress address, boolean proxy, List<Cidr> allowedRanges) {
    String always = alwaysRefused(address);
    if (always != null) {
      return always;
    }
    List<InetAddress> embedded = embeddedIpv4(address);
    for (InetAddress inner : embedded) {
      String refusal = alwaysRefused(inner);
      if (refusal != null) {
        return refusal + " (embedded in " + address.getHostAddress() + ")";
      }
    }
    if (proxy || allowed(address, allowedRanges)) {
      return null;
    }
    if (address.isLoopbackAddress()) {
      return loopbackRefusal(address, address instanceof Inet4Address ? "127.0.0.0/8" : "::1/128");
    }
    for (InetAddress inner : embedded) {
      if (inner.isLoopbackAddress() && !allowed(inner, allowedRanges)) {
        return loopbackRefusal(address, "127.0.0.0/8");
      }
    }
    return null;
  }

  private static String loopbackRefusal(InetAddress address, String range) {
    return "loopback address "
        + address.getHostAddress()
        + " (allow it with --probe-allow "
        + range
        + ")";
  }

  private static boolean allowed(InetAddress address, List<Cidr> allowedRanges) {
    return allowedRanges.stream().anyMatch(r -> r.contains(address));
  }

  private static @Nullable String alwaysRefused(InetAddress address) {
    if (address.isAnyLocalAddress() || THIS_NETWORK.contains(address)) {
      return "unspecified address " + address.getHostAddress();
    }
    for (Cidr metadata : METADATA_ADDRESSES) {
      if (metadata.contains(address)) {
        return "cloud metadata address " + address.getHostAddress();
      }
    }
    if (LINK_LOCAL_V4.contains(address) || LINK_LOCAL_V6.contains(address)) {
      return "link-local address "
          + address.getHostAddress()
          + " (where cloud metadata services live)";
    }
    if (address.isMulticastAddress() || BROADCAST.contains(address)) {
      return "multicast or broadcast address " + address.getHostAddress();
    }
    return null;
  }

  /**
   * The IPv4 addresses an IPv6 address carries, in every form a gateway or host stack could turn
   * into an IPv4 connection: IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96},
   * IPv4-translated {@code ::ffff:0:0:0/96}, NAT64 {@code 64:ff9b::/96} (RFC 6052), local-use NAT64
   * {@code 64:ff9b:1::/48} (RFC 8215) at each RFC 6052 prefix length the operator may have chosen,
   * 6to4 {@code 2002::/16} and both ends of Teredo {@code 2001::/32} (RFC 4380).
   */
  static List<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return List.of();
    }
    byte[] b = address.getAddress();
    List<byte[]> found = new ArrayList<>();
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-mapped
    } else if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-compatible, but not :: or ::1
    } else if (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12)) {
      found.add(slice(b, 12, 13, 14, 15)); // IPv4-translated (RFC 2765)
    } else if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && zero(b, 4, 12)) {
      found.add(slice(b, 12, 13, 14, 15)); // NAT64 well-known prefix, always /96
    } else if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
      localUseNat64(b, found);
    } else if (startsWith(b, 0x20, 0x02)) {
      found.add(slice(b, 2, 3, 4, 5)); // 6to4
    } else if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
      found.add(slice(b, 4, 5, 6, 7)); // Teredo server
      byte[] client = slice(b, 12, 13, 14, 15); // Teredo client, stored inverted
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~client[i];
      }
      found.add(client);
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (byte[] v4 : found) {
      try {
        addresses.add(InetAddress.getByAddress(v4));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are always an address", e);
      }
    }
    return addresses;
  }

  /**
   * 64:ff9b:1::/48 is for local use with any RFC 6052 prefix length from /48 to /96, which the
   * address does not tell: every reading whose u-octet (bits 64-71) and suffix are zero is taken.
   * Readings in 0.0.0.0/8 are left out: they are the zero padding of another reading (the /96
   * reading of a /48 address is 0.0.0.0), and no NAT64 gateway translates to 0.0.0.0/8.
   */
  private static void localUseNat64(byte[] b, List<byte[]> found) {
    List<byte[]> readings = new ArrayList<>();
    if (b[8] == 0 && zero(b, 11, 16)) {
      readings.add(slice(b, 6, 7, 9, 10)); // /48: 16 bits, the u-octet, 16 bits
    }
    if (b[8] == 0 && zero(b, 12, 16)) {
      readings.add(slice(b, 7, 9, 10, 11)); // /56: 8 bits, the u-octet, 24 bits
    }
    if (b[8] == 0 && zero(b, 13, 16)) {
      readings.add(slice(b, 9, 10, 11, 12)); // /64: the u-octet, then 32 bits
    }
    readings.add(slice(b, 12, 13, 14, 15)); // /96
    for (byte[] reading : readings) {
      if (reading[0] != 0) {
        found.add(reading);
      }
    }
  }

  private static byte[] slice(byte[] b, int... indexes) {
    byte[] out = new byte[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      out[i] = b[indexes[i]];
    }
    return out;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean zero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
