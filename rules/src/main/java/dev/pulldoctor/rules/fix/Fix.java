package dev.pulldoctor.rules.fix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A fix as data: a short reason, the steps in order, and alternatives for when the user meant
 * something else. {@link Commands} renders it as text a user can paste; {@link Replay} applies its
 * cluster steps to the snapshot it came from, so a test can show that it clears the finding and
 * breaks nothing else before anyone runs it.
 *
 * @param reason one or two sentences, no commands
 * @param steps what to do, in order
 * @param alternatives other fixes, each complete on its own
 */
public record Fix(String reason, List<Step> steps, List<Fix> alternatives) {

  public Fix {
    Objects.requireNonNull(reason, "reason");
    steps = List.copyOf(steps);
    alternatives = List.copyOf(alternatives);
  }

  public static Fix of(String reason, Step... steps) {
    return new Fix(reason, List.of(steps), List.of());
  }

  public static Fix of(String reason, List<Step> steps) {
    return new Fix(reason, steps, List.of());
  }

  /** This fix with {@code alternative} offered after it. */
  public Fix or(Fix alternative) {
    List<Fix> all = new ArrayList<>(alternatives);
    all.add(alternative);
    return new Fix(reason, steps, all);
  }

  /** The steps a replay cannot apply. */
  public List<Step> manualSteps() {
    return steps.stream().filter(s -> !s.replayable()).toList();
  }
}
