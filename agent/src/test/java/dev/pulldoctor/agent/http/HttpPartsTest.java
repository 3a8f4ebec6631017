package dev.pulldoctor.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulldoctor.agent.render.Html;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTML escaping, the run trigger's token and its rate limit. */
class HttpPartsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<img src=x onerror=alert(1)>|&lt;img src=x onerror=alert(1)&gt;",
        "a\"b'c&d|a&quot;b&#39;c&amp;d"
      })
  void cluster_text_is_escaped(String text, String html) {
    assertThat(Html.escape(text)).isEqualTo(html);
  }

  @Test
  void newlines_and_tabs_stay_and_other_control_characters_go() {
    assertThat(Html.escape("line1\nline2\ttab")).isEqualTo("line1\nline2\ttab");
    assertThat(Html.escape("esc\u001b[31mred")).isEqualTo("esc\uFFFD[31mred");
  }

  @Test
  void the_token_is_read_from_the_file_at_each_request() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "s3cret\n", StandardCharsets.UTF_8);
    BearerToken token = new BearerToken(file);
    assertThat(token.configured()).isTrue();
    assertThat(token.accepts("Bearer s3cret")).isTrue();
    assertThat(token.accepts("bearer s3cret")).isTrue();
    assertThat(token.accepts("Bearer s3cre")).isFalse();
    assertThat(token.accepts("Basic czNjcmV0")).isFalse();
    assertThat(token.accepts(null)).isFalse();

    Files.writeString(file, "rotated", StandardCharsets.UTF_8);
    assertThat(token.accepts("Bearer s3cret")).isFalse();
    assertThat(token.accepts("Bearer rotated")).isTrue();

    Files.writeString(file, "  \n", StandardCharsets.UTF_8);
    assertThat(token.accepts("Bearer ")).isFalse();
    Files.writeString(file, "x".repeat(5_000), StandardCharsets.UTF_8);
    assertThat(token.accepts("Bearer " + "x".repeat(5_000))).isFalse();
    Files.delete(file);
    assertThat(token.accepts("Bearer rotated")).isFalse();
    assertThat(new BearerToken(null).configured()).isFalse();
  }

  @Test
  void the_rate_limit_refills_one_token_per_period() {
    MutableClock clock = new MutableClock();
    RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(10), clock);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    assertThat(limiter.secondsUntilNext()).isEqualTo(10);
    clock.advance(Duration.ofSeconds(6));
    assertThat(limiter.tryAcquire()).isFalse();
    assertThat(limiter.secondsUntilNext()).isEqualTo(4);
    clock.advance(Duration.ofSeconds(5));
    assertThat(limiter.tryAcquire()).isTrue();
    clock.advance(Duration.ofHours(1));
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    assertThatThrownBy(() -> new RateLimiter(0, Duration.ofSeconds(1), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failed_attempts_are_limited_per_address_and_old_addresses_are_forgotten() {
    MutableClock clock = new MutableClock();
    FailureLimiter failures = new FailureLimiter(2, Duration.ofSeconds(10), clock, 2);
    assertThat(failures.fail("10.0.0.1")).isZero();
    assertThat(failures.fail("10.0.0.1")).isZero();
    assertThat(failures.fail("10.0.0.1")).as("third failure waits").isEqualTo(10);
    assertThat(failures.fail("10.0.0.2")).as("another address is not held back").isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(failures.fail("10.0.0.1")).isZero();
    assertThat(failures.fail("10.0.0.1")).isPositive();
    // Only two addresses are kept: a third pushes out the least recently seen (10.0.0.2).
    assertThat(failures.fail("10.0.0.3")).isZero();
    assertThat(failures.fail("10.0.0.2")).isZero();
    assertThat(failures.fail("10.0.0.2")).isZero();
    assertThat(failures.fail("10.0.0.2")).isPositive();
  }

  @Test
  void the_style_block_is_allowed_by_its_hash() {
    assertThat(ReportPage.STYLE_HASH).matches("'sha256-[A-Za-z0-9+/]{43}='");
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-23T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
