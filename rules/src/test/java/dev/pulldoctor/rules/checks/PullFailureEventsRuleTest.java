package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cluster text shown in results: one line, bounded, and keeping the cause at its end. */
class PullFailureEventsRuleTest {
  @Test
  void short_text_is_shown_on_one_line() {
    assertThat(PullFailureEventsRule.shown("Failed to pull image \"a\":\n\tEOF\u0007 "))
        .isEqualTo("Failed to pull image \"a\": EOF");
  }

  @Test
  void long_text_keeps_its_head_and_its_tail() {
    String text = "Failed to pull image \"a\": " + "x".repeat(10_000) + ": 401 Unauthorized";

    String shown = PullFailureEventsRule.shown(text);

    assertThat(shown)
        .startsWith("Failed to pull image \"a\": ")
        .endsWith(": 401 Unauthorized")
        .contains(" … ");
    assertThat(shown.length()).isLessThanOrEqualTo(PullFailureEventsRule.MAX_SHOWN_CHARS + 3);
  }
}
