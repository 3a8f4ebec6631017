package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fixes {@code pulldoctor fix} would make, in order, each chosen because replaying it (after
 * the ones before it) cleared its finding and made nothing else fail; the report of the rules on
 * the snapshot with every chosen fix replayed; and the findings left for a person.
 *
 * @param before the report the plan starts from
 * @param entries the chosen fixes, in the order they are applied
 * @param after the rules' report once every chosen fix is replayed
 * @param replayed the snapshot with every chosen fix replayed
 */
public record FixPlan(Report before, List<Entry> entries, Report after, Snapshot replayed) {

  /**
   * One chosen fix.
   *
   * @param finding the failure or warning it clears, as the rules reported it when it was chosen
   * @param fix the variant chosen (the fix itself or one of its alternatives), with its proof
   */
  public record Entry(Result finding, Fix fix) {
    public Entry {
      Objects.requireNonNull(finding, "finding");
      Objects.requireNonNull(fix, "fix");
    }
  }

  public FixPlan {
    entries = List.copyOf(entries);
  }

  /** Every step of every entry, in order, each once. */
  public List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    for (Entry entry : entries) {
      for (Step step : entry.fix().steps()) {
        if (!steps.contains(step)) {
          steps.add(step);
        }
      }
    }
    return steps;
  }

  /**
   * The failures and warnings the plan leaves, each with the fix a person would take. A symptom of
   * other rules (past pull failures, {@link Result#DEPENDS_ON}) is not left when every one of its
   * rules passes after the plan: it is history the next pull does not repeat.
   */
  public List<Result> left() {
    return after.results().stream()
        .filter(r -> r.status().isAtLeast(Status.WARN))
        .filter(r -> !resolvedSymptom(r))
        .toList();
  }

  /** Whether nothing is left failing: what {@code pulldoctor fix} exits 0 on. */
  public boolean settles() {
    return left().stream().noneMatch(r -> r.status().isAtLeast(Status.FAIL));
  }

  private boolean resolvedSymptom(Result result) {
    List<String> rules = result.dependsOn();
    if (rules.isEmpty()) {
      return false;
    }
    for (String rule : rules) {
      List<Result> ofRule = after.results().stream().filter(r -> r.rule().equals(rule)).toList();
      // A rule that could not look (skip, error) proves nothing either way.
      if (ofRule.stream().anyMatch(r -> r.status() != Status.PASS)
          || ofRule.stream().noneMatch(r -> r.status() == Status.PASS)) {
        return false;
      }
    }
    return true;
  }
}
