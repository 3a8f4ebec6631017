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

  private static boolean isMappedOrCompatible(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff);
  }
}
