package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Proof;
import dev.pulldoctor.rules.fix.Replay;
import dev.pulldoctor.rules.model.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link FixPlan}: takes the most severe finding that has a fix whose proof clears it and
 * breaks nothing, replays that fix, runs the rules again on the result, and repeats. Each fix is
 * therefore proven on the state the ones before it leave, not only on the snapshot alone; a fix
 * that a previous one made unnecessary is never chosen.
 */
public final class FixPlanner {
  /** More rounds than there are rules that offer fixes: a plan that does not settle stops here. */
  static final int MAX_ROUNDS = 32;

  private final RuleEngine engine;

  public FixPlanner(RuleEngine engine) {
    this.engine = engine;
  }

  public FixPlan plan(Diagnosis diagnosis, Instant generatedAt) {
    Report before = engine.run(diagnosis, generatedAt);
    Report current = before;
    Snapshot snapshot = diagnosis.snapshot();
    List<FixPlan.Entry> entries = new ArrayList<>();
    Set<String> tried = new HashSet<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Optional<FixPlan.Entry> next = next(current, tried);
      if (next.isEmpty()) {
        break;
      }
      FixPlan.Entry entry = next.get();
      tried.add(key(entry.finding()));
      entries.add(entry);
      snapshot = Replay.apply(snapshot, entry.fix());
      current = engine.run(diagnosis.of(snapshot), generatedAt);
    }
    return new FixPlan(before, entries, current, snapshot);
  }

  /** The first failure, else the first warning, with a variant that clears it cleanly. */
  private static Optional<FixPlan.Entry> next(Report report, Set<String> tried) {
    for (Status status : List.of(Status.FAIL, Status.WARN)) {
      for (Result result : report.results()) {
        if (result.status() != status || result.fix() == null || tried.contains(key(result))) {
          continue;
        }
        Optional<Fix> variant = clearing(result.fix());
        if (variant.isPresent()) {
          return Optional.of(new FixPlan.Entry(result, variant.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** The fix or the first alternative whose proof clears the finding and breaks nothing. */
  static Optional<Fix> clearing(Fix fix) {
    List<Fix> variants = new ArrayList<>();
    variants.add(fix);
    variants.addAll(fix.alternatives());
    return variants.stream()
        .filter(
            v -> {
              Proof proof = v.proof();
              return proof != null && proof.clears() && proof.newFailures().isEmpty();
            })
        .map(v -> new Fix(v.reason(), v.steps(), List.of(), v.proof()))
        .findFirst();
  }

  private static String key(Result result) {
    return result.rule() + " " + result.subject() + " " + result.image();
  }
}
