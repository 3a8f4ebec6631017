package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.checks.TokenExpiryRule.TokenKind;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which credentials are short-lived tokens, and how ages read. */
class TokenExpiryRuleTest {

  @ParameterizedTest(name = "{0} at {1} -> {2}")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "AWS, 123456789012.dkr.ecr.us-east-1.amazonaws.com, ECR",
        "AWS, 123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn, ECR",
        "AWS, public.ecr.aws, NONE",
        "AWS, registry.example.com, NONE",
        "robot, 123456789012.dkr.ecr.us-east-1.amazonaws.com, NONE",
        "oauth2accesstoken, europe-west2-docker.pkg.dev, GOOGLE",
        "oauth2accesstoken, gcr.io, GOOGLE",
        "_json_key, europe-west2-docker.pkg.dev, NONE",
        "oauth2accesstoken, registry.example.com, NONE",
        "NONE, gcr.io, NONE",
      })
  void short_lived_tokens_by_username_and_registry(String user, String host, TokenKind kind) {
    assertThat(TokenKind.of(user, host)).isEqualTo(kind);
  }

  @ParameterizedTest(name = "{0} min -> {1}")
  @CsvSource({
    "0, 0 h",
    "59, 0 h 59 min",
    "60, 1 h",
    "965, 16 h 5 min",
    "2880, 48 h (2 days)",
    "5905, 98 h 25 min (4 days)",
  })
  void ages_read_in_hours(long minutes, String text) {
    assertThat(TokenExpiryRule.hours(Duration.ofMinutes(minutes))).isEqualTo(text);
  }
}
