package dev.pulldoctor.agent.http;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket: {@code capacity} requests at once, then one per {@code refill}. Guards {@code
 * POST /api/v1/run} against run storms and token guessing alike.
 */
public final class RateLimiter {
  private final int capacity;
  private final Duration refill;
  private final Clock clock;
  private double tokens;
  private long lastMillis;

  public RateLimiter(int capacity, Duration refill, Clock clock) {
    if (capacity < 1 || refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("capacity must be ≥ 1 and refill positive");
    }
    this.capacity = capacity;
    this.refill = refill;
    this.clock = clock;
    this.tokens = capacity;
    this.lastMillis = clock.millis();
  }

  /** Takes one token; false when none is left. */
  public synchronized boolean tryAcquire() {
    long now = clock.millis();
    tokens = Math.min(capacity, tokens + (now - lastMillis) / (double) refill.toMillis());
    lastMillis = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Seconds until the next token, for {@code Retry-After}. */
  public synchronized long secondsUntilNext() {
    double missing = Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing * refill.toMillis() / 1_000.0));
  }
}
