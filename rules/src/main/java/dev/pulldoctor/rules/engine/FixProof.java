package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Proof;
import dev.pulldoctor.rules.fix.Replay;
import dev.pulldoctor.rules.fix.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Proves a fix before it is printed: its cluster steps are replayed on the snapshot the finding
 * came from and every rule runs again. The proof says whether the finding cleared, what failed only
 * afterwards, and which steps a replay could not apply.
 */
public final class FixProof {
  private FixProof() {}

  /**
   * Replays {@code fix} for {@code finding} and runs the rules again.
   *
   * @param rerun runs every rule on a diagnosis (without proving fixes again)
   */
  public static Proof prove(
      Diagnosis before,
      List<Result> beforeResults,
      Result finding,
      Fix fix,
      Function<Diagnosis, List<Result>> rerun) {
    // A fix without steps is its reason: something only a person can do.
    List<String> manual =
        fix.steps().isEmpty()
            ? List.of(fix.reason())
            : fix.manualSteps().stream().map(Commands::render).toList();
    if (fix.steps().stream().noneMatch(Step::replayable)) {
      return new Proof(false, List.of(), manual);
    }
    List<Result> after = rerun.apply(before.of(Replay.apply(before.snapshot(), fix)));
    boolean clears =
        after.stream().noneMatch(r -> same(r, finding) && r.status().isAtLeast(finding.status()));
    Set<String> failing = failures(after);
    failing.removeAll(failures(beforeResults));
    return new Proof(clears, new ArrayList<>(failing), manual);
  }

  /** The same rule about the same subject and image. */
  static boolean same(Result a, Result b) {
    return a.rule().equals(b.rule())
        && String.valueOf(a.subject()).equals(String.valueOf(b.subject()))
        && String.valueOf(a.image()).equals(String.valueOf(b.image()));
  }

  private static Set<String> failures(List<Result> results) {
    Set<String> failing = new TreeSet<>();
    for (Result r : results) {
      if (r.status() == Status.FAIL) {
        failing.add(
            r.rule()
                + (r.subject() == null ? "" : " " + r.subject().display())
                + (r.image() == null ? "" : " " + r.image()));
      }
    }
    return failing;
  }
}
