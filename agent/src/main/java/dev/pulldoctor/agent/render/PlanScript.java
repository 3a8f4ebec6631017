package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fix plan as a script to review and run with bash ({@code pulldoctor fix -o sh}). Everything
 * from the cluster appears only in comments made single-line or in shell-quoted words, so no name
 * or message can add a command. Credentials are never in it: a new pull secret reads its user name
 * and password from environment variables the script names and requires ({@code ${VAR:?…}}).
 */
public final class PlanScript {
  private PlanScript() {}

  public static String render(FixPlan plan, String generatedBy) {
    StringBuilder out = new StringBuilder("#!/usr/bin/env bash\n");
    comment(out, "", "pulldoctor fix plan (" + generatedBy + ")");
    comment(
        out,
        "",
        "Source: "
            + plan.before().source().type().name().toLowerCase(Locale.ROOT)
            + " "
            + (plan.before().source().context() == null ? "" : plan.before().source().context())
            + ", namespace "
            + plan.before().source().namespace());
    comment(
        out,
        "",
        "Every step below was replayed on the diagnosed state before it was printed: the rules"
            + " then report "
            + counts(plan.after().summary())
            + " (now "
            + counts(plan.before().summary())
            + ").");
    List<String> variables = variables(plan);
    if (!variables.isEmpty()) {
      comment(
          out,
          "",
          "Set these first (never written into this file): " + String.join(", ", variables));
    }
    out.append("set -euo pipefail\n");
    int number = 1;
    for (FixPlan.Entry entry : plan.entries()) {
      out.append('\n');
      Result finding = entry.finding();
      comment(
          out,
          "",
          number++
              + ". "
              + finding.rule()
              + " ("
              + finding.status().word()
              + ")"
              + (finding.subject() == null ? "" : ": " + finding.subject().display()));
      comment(out, "   ", entry.fix().reason());
      steps(out, entry.fix().steps());
    }
    List<Result> left = plan.left();
    if (!left.isEmpty()) {
      out.append('\n');
      comment(out, "", "Left for a person: the plan does not clear these by itself.");
      for (Result result : left) {
        comment(
            out, "- ", result.rule() + " (" + result.status().word() + "): " + result.message());
        if (result.remediation() != null && result.status().isAtLeast(Status.WARN)) {
          comment(out, "    ", result.remediation());
        }
      }
    }
    return out.toString();
  }

  private static void steps(StringBuilder out, List<Step> steps) {
    Step previous = null;
    for (Step step : steps) {
      if (step instanceof Step.CreatePullSecret create) {
        out.append(createSecret(create)).append('\n');
      } else if (step instanceof Step.Manual manual) {
        comment(out, "   By hand: ", manual.text());
        if (manual.command() != null) {
          comment(out, "     ", manual.command());
        }
      } else if (step instanceof Step.SetHelmValues values && values.abctl()) {
        comment(out, "   ", "Then make it last: add to your abctl values file (values.yaml):");
        comment(out, "     ", Commands.valuesYaml(values.values()).stripTrailing());
        comment(out, "   ", "and run: abctl local install --values values.yaml");
      } else if (step instanceof Step.SetHelmValues values) {
        if (previous instanceof Step.SetEnv) {
          comment(out, "   ", "Then make it last (a Helm upgrade overwrites 'kubectl set env'):");
        }
        if (values.note() != null) {
          comment(out, "   ", values.note());
        }
        out.append(Commands.render(values)).append('\n');
      } else {
        out.append(Commands.render(step)).append('\n');
      }
      previous = step;
    }
  }

  /**
   * {@code kubectl create secret docker-registry} with the user name and password from required
   * variables, unless the fix knows them (ECR's {@code AWS} and its token command).
   */
  public static String createSecret(Step.CreatePullSecret create) {
    String prefix = variablePrefix(create.name());
    String user =
        create.username() != null
            ? Commands.shellWord(create.username())
            : "\"${" + prefix + "_USERNAME:?user name for " + safeInWord(create.server()) + "}\"";
    String password =
        create.passwordCommand() != null
            ? "\"$(" + create.passwordCommand() + ")\""
            : "\"${"
                + prefix
                + "_PASSWORD:?password or token for "
                + safeInWord(create.server())
                + "}\"";
    String command =
        "kubectl create secret docker-registry "
            + Commands.shellWord(create.name())
            + " --docker-server="
            + Commands.shellWord(create.server())
            + " --docker-username="
            + user
            + " --docker-password="
            + password
            + " -n "
            + Commands.shellWord(create.namespace());
    return create.replaceExisting()
        ? command + " --dry-run=client -o yaml | kubectl apply -f -"
        : command;
  }

  private static List<String> variables(FixPlan plan) {
    List<String> names = new ArrayList<>();
    for (Step step : plan.steps()) {
      if (step instanceof Step.CreatePullSecret create) {
        String prefix = variablePrefix(create.name());
        if (create.username() == null) {
          names.add(prefix + "_USERNAME");
        }
        if (create.passwordCommand() == null) {
          names.add(prefix + "_PASSWORD");
        }
      }
    }
    return names;
  }

  /** {@code ghcr-creds} → {@code GHCR_CREDS}: a shell variable name from a secret name. */
  static String variablePrefix(String secretName) {
    String name = secretName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    name = name.replaceAll("^_+|_+$", "");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "SECRET_" + name : name;
  }

  /**
   * Text inside a double-quoted {@code ${VAR:?text}}: only characters with no meaning there (a
   * registry host is letters, digits, dots, dashes, colons and slashes).
   */
  private static String safeInWord(String text) {
    return text.replaceAll("[^A-Za-z0-9.:/_-]", "_");
  }

  /** Each line of {@code text} as a comment: nothing from the cluster can end the comment. */
  private static void comment(StringBuilder out, String lead, String text) {
    String indent = " ".repeat(lead.length());
    String prefix = lead;
    for (String line : Text.terminalSafe(text, true).split("\n", -1)) {
      out.append("# ").append(prefix).append(line).append('\n');
      prefix = indent;
    }
  }

  private static String counts(Summary summary) {
    return summary.fail() + " failed, " + summary.warn() + " warnings";
  }
}
