package dev.pulldoctor.agent.cli;

import static java.util.stream.Collectors.joining;

import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pulldoctor explain RULE_ID}: what a rule checks, why, and the fix. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Explains one rule: the facts behind it, the fix and the sources.")
final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "RULE_ID",
      completionCandidates = RuleIds.class,
      description = "A rule id, as listed by 'pulldoctor rules'.")
  String ruleId = "";

  /** Every rule id, for shell completion. */
  static final class RuleIds extends Candidates {
    RuleIds() {
      super(Rules::ids);
    }
  }

  @Override
  public Integer call() {
    Optional<Rule> rule = Rules.byId(ruleId);
    if (rule.isEmpty()) {
      List<String> closest = ClosestWords.to(ruleId, Rules.ids());
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown rule '"
              + ruleId
              + "'; "
              + (closest.isEmpty()
                  ? "known rules: " + String.join(", ", Rules.ids())
                  : "did you mean "
                      + closest.stream().map(id -> "'" + id + "'").collect(joining(" or "))
                      + "? ('pulldoctor rules' lists them all)"));
    }
    RuleInfo info = rule.get().info();
    PrintWriter out = spec.commandLine().getOut();
    out.println(info.id() + " (" + info.severity().word() + ")");
    out.println(info.title());
    out.println();
    out.println(info.explanation());
    out.println();
    out.println("Fix: " + info.remediation());
    out.println();
    out.println("Sources:");
    info.references().forEach(r -> out.println("  - " + r));
    out.flush();
    return ExitCodes.OK;
  }
}
