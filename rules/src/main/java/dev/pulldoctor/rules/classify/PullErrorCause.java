package dev.pulldoctor.rules.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Why an image pull failed, as one word of a closed set (DESIGN.md): the {@code cause} of {@code
 * pulldoctor classify} and of {@code events.pull-failures} evidence, and a metric label.
 */
public enum PullErrorCause {
  AUTH("pullsecret.registry-match", "pullsecret.credentials"),
  NOT_FOUND("registry.image-exists"),
  NETWORK_DNS("registry.reachable"),
  NETWORK_TIMEOUT("registry.reachable"),
  NETWORK_REFUSED("registry.reachable"),
  TLS("registry.reachable"),
  // Docker Hub raises the anonymous limit for authenticated pulls, so a matching secret is the fix.
  RATE_LIMIT("pullsecret.registry-match"),
  PLATFORM("registry.platform"),
  INVALID_REFERENCE("image.reference"),
  NEVER_PULL_POLICY("kind.pull-policy"),
  REGISTRY_SERVER_ERROR("registry.reachable"),
  PROXY("registry.reachable"),
  OTHER;

  private final @Nullable String rule;
  private final @Nullable String secondRule;

  PullErrorCause() {
    this(null, null);
  }

  PullErrorCause(String rule) {
    this(rule, null);
  }

  PullErrorCause(@Nullable String rule, @Nullable String secondRule) {
    this.rule = rule;
    this.secondRule = secondRule;
  }

  /** The name used in reports, metrics and on the command line, e.g. {@code network_dns}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The rule that explains this cause, empty for {@link #OTHER}. */
  public Optional<String> rule() {
    return Optional.ofNullable(rule);
  }

  /** Every rule that explains this cause, the most likely first. */
  public List<String> rules() {
    return Stream.of(rule, secondRule).filter(Objects::nonNull).toList();
  }

  /** The cause named by {@code word}, as {@link #word()} prints it. */
  public static Optional<PullErrorCause> fromWord(String word) {
    return Arrays.stream(values()).filter(c -> c.word().equals(word)).findFirst();
  }
}
