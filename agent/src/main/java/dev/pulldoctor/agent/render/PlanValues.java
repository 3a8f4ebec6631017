package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Step;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fix plan's Helm values as one overlay for the installed chart ({@code pulldoctor fix -o
 * values}): the keys are those of the chart version the install runs (the plan's steps carry them),
 * nested, so the file is given to {@code helm upgrade -f} or put in abctl's values file.
 */
public final class PlanValues {
  private PlanValues() {}

  public static String render(FixPlan plan) {
    Map<String, String> values = new LinkedHashMap<>();
    Step.SetHelmValues last = null;
    for (Step step : plan.steps()) {
      if (step instanceof Step.SetHelmValues set) {
        values.putAll(set.values());
        last = set;
      }
    }
    StringBuilder out = new StringBuilder();
    if (last == null) {
      return "# The fix plan changes no Helm values.\n{}\n";
    }
    if (last.abctl()) {
      out.append("# Add to your abctl values file, then run:")
          .append(" abctl local install --values values.yaml\n");
    } else {
      out.append("# Apply with: helm upgrade ")
          .append(Text.terminalSafe(last.release(), false))
          .append(' ')
          .append(Text.terminalSafe(last.chartReference(), false))
          .append(" -n ")
          .append(Text.terminalSafe(last.namespace(), false))
          .append(" --reuse-values -f THIS_FILE\n");
    }
    return out.append(Commands.valuesYaml(values)).toString();
  }
}
