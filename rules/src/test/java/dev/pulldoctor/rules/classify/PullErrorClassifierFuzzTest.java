package dev.pulldoctor.rules.classify;

import static dev.pulldoctor.rules.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.rules.FuzzInput;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the pull-error classifier (messages come from kubelet events a tenant can provoke). Input
 * layout: byte 0 says where the canary goes, the rest is the message.
 */
class PullErrorClassifierFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void message(byte[] bytes) {
    FuzzInput input = FuzzInput.of(bytes);
    String message =
        new String(FuzzInput.withCanary(input.rest(1), input.unsigned(0)), StandardCharsets.UTF_8);

    Classification first = PullErrorClassifier.classify(message);
    Classification second = PullErrorClassifier.classify(message);

    if (!first.equals(second)) {
      throw new AssertionError("classification is not deterministic");
    }
    // Explanations are pulldoctor's own sentences: the event text is shown elsewhere, escaped.
    assertNoCanary("an explanation", first.explanation());
    if (first.explanation().length() > 1000 || first.rules().size() > 13) {
      throw new AssertionError("unbounded classification");
    }
  }
}
