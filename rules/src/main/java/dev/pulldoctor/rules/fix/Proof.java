package dev.pulldoctor.rules.fix;

import java.util.List;

/**
 * What replaying a fix on the snapshot it came from showed, before anyone runs it.
 *
 * @param clears whether the finding is gone after the replayed steps
 * @param newFailures results (rule and subject) that fail only after the replay; a fix that breaks
 *     something else shows it here
 * @param manualSteps steps a replay cannot apply (Helm values, registry or cloud changes); when the
 *     finding remains, these are why
 */
public record Proof(boolean clears, List<String> newFailures, List<String> manualSteps) {
  public Proof {
    newFailures = List.copyOf(newFailures);
    manualSteps = List.copyOf(manualSteps);
  }
}
