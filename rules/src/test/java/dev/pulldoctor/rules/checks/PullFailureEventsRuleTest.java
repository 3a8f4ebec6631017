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

  @Test
  void a_long_runtime_error_is_cut_between_words() {
    String text =
        "Failed to pull image \"ghcr.io/acme-data/source-orders:0.3.1\": failed to pull and unpack"
            + " image \"ghcr.io/acme-data/source-orders:0.3.1\": failed to resolve reference"
            + " \"ghcr.io/acme-data/source-orders:0.3.1\": failed to authorize: failed to fetch"
            + " anonymous token: unexpected status from GET request to"
            + " https://ghcr.io/token?scope=repository%3Aacme-data%2Fsource-orders%3Apull&service=ghcr.io:"
            + " 401 Unauthorized, while the kubelet retried the pull of the image for the job pod"
            + " source-orders-spec-61ade0a7-c731-485e-bafe-13cdc57bef7a-0-lxkjf";

    String shown = PullFailureEventsRule.shown(text);

    String[] sides = shown.split(" … ", -1);
    assertThat(sides).hasSize(2);
    assertThat(text).startsWith(sides[0]).endsWith(sides[1]);
    assertThat(text.charAt(sides[0].length())).as("the head ends before a space").isEqualTo(' ');
    assertThat(text.charAt(text.length() - sides[1].length() - 1))
        .as("the tail starts after a space")
        .isEqualTo(' ');
  }
}
