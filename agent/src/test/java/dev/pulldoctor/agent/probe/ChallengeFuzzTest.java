package dev.pulldoctor.agent.probe;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.agent.FuzzInput;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzzes the {@code WWW-Authenticate} parser alone (the registry probe target reaches it too, but
 * slower). Input: the header value; a line break separates several values of the header.
 */
class ChallengeFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void header(byte[] bytes) {
    String text = FuzzInput.text(bytes);
    List<String> values = text.lines().toList();
    for (String value : values) {
      Challenge challenge = Challenge.parse(value);
      if (challenge == null) {
        continue;
      }
      if (challenge.scheme().isEmpty() || challenge.scheme().length() > value.length()) {
        throw new AssertionError("scheme " + challenge.scheme());
      }
      for (Map.Entry<String, String> parameter : challenge.parameters().entrySet()) {
        String name = parameter.getKey();
        if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
          throw new AssertionError("parameter name " + name);
        }
        if (parameter.getValue().length() > value.length()) {
          throw new AssertionError("a value longer than the header");
        }
      }
      if (challenge.parameters().size() > value.length()) {
        throw new AssertionError("more parameters than characters");
      }
    }
    Challenge first = Challenge.first(values);
    if (first != null && values.stream().allMatch(v -> Challenge.parse(v) == null)) {
      throw new AssertionError("first() found a challenge parse() does not");
    }
  }
}
