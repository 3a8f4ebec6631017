package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The addresses of a host, within the connect timeout and the request's deadline: an IP literal as
 * it is, a name through the {@link Resolver}, once per request, so the connection goes to the very
 * address that was checked.
 */
final class HostLookup {
  /** DNS lookups have no timeout of their own in Java, so they run here and are waited for. */
  private static final ExecutorService LOOKUPS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "pulldoctor-dns");
            thread.setDaemon(true);
            return thread;
          });

  private final Resolver resolver;
  private final Duration connectTimeout;

  HostLookup(Resolver resolver, Duration connectTimeout) {
    this.resolver = resolver;
    this.connectTimeout = connectTimeout;
  }

  /**
   * The addresses of {@code host}.
   *
   * @param deadline the request's deadline on {@link System#nanoTime()}'s scale
   * @throws ProbeException at the DNS stage: no such host, or the lookup timed out
   */
  List<InetAddress> addresses(String host, long deadline) throws ProbeException {
    IpLiterals.Literal literal = IpLiterals.parse(host);
    if (literal != null && literal.address() != null) {
      return List.of(literal.address());
    }
    Future<List<InetAddress>> lookup = LOOKUPS.submit(() -> resolver.resolve(host));
    try {
      List<InetAddress> found = lookup.get(connectMillis(deadline), TimeUnit.MILLISECONDS);
      if (found.isEmpty()) {
        throw new UnknownHostException(host);
      }
      return found;
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw ProbeException.failed(
          Stage.DNS, PullErrorCause.NETWORK_TIMEOUT, "the DNS lookup of " + host + " timed out");
    } catch (ExecutionException | UnknownHostException e) {
      throw ProbeException.failed(
          Stage.DNS,
          PullErrorCause.NETWORK_DNS,
          host + " does not resolve (no such host) from where pulldoctor runs");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProbeException.failed(
          Stage.DNS, PullErrorCause.NETWORK_TIMEOUT, "interrupted while resolving " + host);
    }
  }

  /**
   * The time one connect (or lookup) may take: the connect timeout, or less when the request's
   * deadline is nearer; at least 1 ms.
   */
  int connectMillis(long deadline) {
    return (int) Math.max(1, Math.min(connectTimeout.toMillis(), remainingMillis(deadline)));
  }

  /** What is left until {@code deadline}, at least 1 ms. */
  static int remainingMillis(long deadline) {
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
