package dev.pulldoctor.agent.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into addresses; the probe resolves each name once and connects to those. */
@FunctionalInterface
public interface Resolver {
  /** The system resolver ({@code /etc/hosts}, DNS). */
  Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * The addresses of {@code host}, a name that is not an IP literal.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
