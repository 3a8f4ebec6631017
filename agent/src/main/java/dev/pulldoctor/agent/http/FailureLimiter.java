package dev.pulldoctor.agent.http;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed bearer-token attempts, limited per client address: {@code capacity} failures at once, then
 * one per {@code refill}. Kept apart from the limit of authorized calls, so that a guesser's
 * failures never cost the token's owner a run. The least recently seen addresses are forgotten past
 * {@code maxAddresses}, so a caller with many addresses cannot grow the heap.
 */
final class FailureLimiter {
  private final int capacity;
  private final Duration refill;
  private final Clock clock;
  private final int maxAddresses;
  // Access order: the eldest entry is the address seen least recently.
  private final LinkedHashMap<String, RateLimiter> byAddress;

  FailureLimiter(int capacity, Duration refill, Clock clock, int maxAddresses) {
    this.capacity = capacity;
    this.refill = refill;
    this.clock = clock;
    this.maxAddresses = maxAddresses;
    this.byAddress =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
            return size() > FailureLimiter.this.maxAddresses;
          }
        };
  }

  /** The default: 5 failures at once per address, then one every 12 seconds. */
  static FailureLimiter standard(Clock clock) {
    return new FailureLimiter(5, Duration.ofSeconds(12), clock, 4_096);
  }

  /**
   * Counts one failure of {@code address}; the seconds to wait when it has none left, else 0 (the
   * caller may be told 401).
   */
  synchronized long fail(String address) {
    RateLimiter limiter =
        byAddress.computeIfAbsent(address, a -> new RateLimiter(capacity, refill, clock));
    return limiter.tryAcquire() ? 0 : limiter.secondsUntilNext();
  }
}
