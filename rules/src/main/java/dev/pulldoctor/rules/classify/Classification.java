package dev.pulldoctor.rules.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a pull-error message says about its cause.
 *
 * @param cause the most likely cause
 * @param explanation one or two sentences for a user; names every cause the message cannot tell
 *     apart
 * @param alternatives other causes the same message is given for (e.g. Docker Hub answers alike for
 *     a missing and a private repository); empty when the message is unambiguous
 * @param rule the pulldoctor rule that checks this cause, null when none does
 */
public record Classification(
    PullErrorCause cause,
    String explanation,
    List<PullErrorCause> alternatives,
    @Nullable String rule) {

  public Classification {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(explanation, "explanation");
    alternatives = List.copyOf(alternatives);
  }

  /** A classification pointing at the rule that explains {@code cause} in general. */
  public Classification(
      PullErrorCause cause, String explanation, List<PullErrorCause> alternatives) {
    this(cause, explanation, alternatives, cause.rule().orElse(null));
  }

  /** The rules to read, the one for the cause first, then those for the alternatives. */
  public List<String> rules() {
    List<String> rules = new ArrayList<>();
    if (rule != null) {
      rules.add(rule);
    }
    for (PullErrorCause alternative : alternatives) {
      alternative.rule().filter(r -> !rules.contains(r)).ifPresent(rules::add);
    }
    return rules;
  }
}
