package dev.pulldoctor.rules.fix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A fix as data: a short reason, the steps in order, and alternatives for when the user meant
 * something else. {@link Commands} renders it as text a user can paste; {@link Replay} applies its
 * cluster steps to the snapshot it came from, so a test can show that it clears the finding and
 * breaks nothing else before anyone runs it.
 *
 * @param reason one or two sentences, no commands
 * @param steps what to do, in order
 * @param alternatives other fixes, each complete on its own
 * @param proof what replaying it showed, once the rule engine has replayed it; null before
 */
public record Fix(String reason, List<Step> steps, List<Fix> alternatives, @Nullable Proof proof) {

  public Fix {
    Objects.requireNonNull(reason, "reason");
    steps = List.copyOf(steps);
    alternatives = List.copyOf(alternatives);
  }

  public Fix(String reason, List<Step> steps, List<Fix> alternatives) {
    this(reason, steps, alternatives, null);
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
    return new Fix(reason, steps, all, proof);
  }

  /** This fix, and its alternatives, with what replaying each showed. */
  public Fix proven(Proof own, List<Proof> ofAlternatives) {
    List<Fix> proved = new ArrayList<>();
    for (int i = 0; i < alternatives.size(); i++) {
      Fix a = alternatives.get(i);
      proved.add(new Fix(a.reason(), a.steps(), a.alternatives(), ofAlternatives.get(i)));
    }
    return new Fix(reason, steps, proved, own);
  }

  /** The steps a replay cannot apply. */
  public List<Step> manualSteps() {
    return steps.stream().filter(s -> !s.replayable()).toList();
  }
}
