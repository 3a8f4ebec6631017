package dev.pulldoctor.rules.fix;

import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.rbac.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders fixes as the commands a user pastes: every name from the cluster shell-quoted where it
 * needs it, Helm values escaped for {@code --set-string}, YAML scalars quoted where YAML would read
 * them otherwise. The text of a result's remediation is {@link #text} of its fix.
 */
public final class Commands {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._:/@,=+%-]+");
  private static final Pattern YAML_PLAIN = Pattern.compile("[a-z]([-a-z0-9.]*[a-z0-9])?");
  private static final Set<String> YAML_WORDS =
      Set.of("null", "true", "false", "yes", "no", "on", "off", "y", "n");

  /** What a values change says after the cluster step it makes last. */
  static final String MAKE_IT_LAST =
      "Then make it last (a Helm upgrade overwrites 'kubectl set env')";

  private Commands() {}

  /**
   * The fix as text: its reason, then one step per line (a multi-line step, such as a heredoc or a
   * values snippet, on lines of its own), then each alternative introduced by "or".
   */
  public static String text(Fix fix) {
    StringBuilder out = new StringBuilder();
    appendFix(out, fix);
    for (Fix alternative : fix.alternatives()) {
      out.append("\nor ").append(alternative.reason());
      appendSteps(out.append('\n'), alternative);
    }
    return out.toString();
  }

  private static void appendFix(StringBuilder out, Fix fix) {
    out.append(fix.reason());
    appendSteps(out.append(fix.steps().isEmpty() ? "" : "\n"), fix);
  }

  private static void appendSteps(StringBuilder out, Fix fix) {
    out.append(steps(fix.steps()));
  }

  /**
   * Steps one per line, prose on lines of its own: a values change that follows a {@code kubectl
   * set env} says it makes that change last, and a values change's note comes before its command.
   */
  public static String steps(List<Step> steps) {
    List<String> lines = new ArrayList<>();
    Step previous = null;
    for (Step step : steps) {
      if (step instanceof Step.SetHelmValues s) {
        String lead = previous instanceof Step.SetEnv ? MAKE_IT_LAST : "";
        if (s.note() != null) {
          lead = lead.isEmpty() ? s.note() : lead + "; " + s.note();
        }
        if (!lead.isEmpty()) {
          lines.add(lead + ":");
        }
      }
      lines.add(render(step));
      previous = step;
    }
    return String.join("\n", lines);
  }

  /**
   * One step as a command (or, for a manual step, its text and command; for abctl, the values file
   * and the install command). A values change's note is not part of it: {@link #steps} and the
   * renderers show it as prose.
   */
  public static String render(Step step) {
    if (step instanceof Step.SetEnv s) {
      return "kubectl set env "
          + deploymentArgs(s.deployment())
          + " "
          + shellWord(s.name() + "=" + s.value());
    }
    if (step instanceof Step.UnsetEnv s) {
      return "kubectl set env " + deploymentArgs(s.deployment()) + " " + shellWord(s.name() + "-");
    }
    if (step instanceof Step.CreatePullSecret s) {
      String create =
          "kubectl create secret docker-registry "
              + shellWord(s.name())
              + " --docker-server="
              + shellWord(s.server())
              + " --docker-username="
              + (s.username() == null ? "'<username>'" : shellWord(s.username()))
              + " --docker-password="
              + (s.passwordCommand() == null
                  ? "'<password-or-token>'"
                  : "\"$(" + s.passwordCommand() + ")\"")
              + " -n "
              + shellWord(s.namespace());
      return s.replaceExisting()
          ? create + " --dry-run=client -o yaml | kubectl apply -f -"
          : create;
    }
    if (step instanceof Step.GrantPermissions s) {
      return grant(s);
    }
    if (step instanceof Step.CreateServiceAccount s) {
      return "kubectl create serviceaccount "
          + shellWord(s.name())
          + " -n "
          + shellWord(s.namespace());
    }
    if (step instanceof Step.RestartDeployment s) {
      return "kubectl rollout restart " + deploymentArgs(s.deployment());
    }
    if (step instanceof Step.LoadKindImage s) {
      return "kind load docker-image " + shellWord(s.image()) + " -n " + shellWord(s.cluster());
    }
    if (step instanceof Step.SetHelmValues s) {
      return s.abctl() ? abctlValues(s.values()) : helmUpgrade(s);
    }
    Step.Manual manual = (Step.Manual) step;
    if (manual.command() == null) {
      return manual.text();
    }
    return manual.text().isEmpty() ? manual.command() : manual.text() + "\n" + manual.command();
  }

  /** Quotes a word for a POSIX shell when it needs it; names from the cluster are untrusted. */
  /** {@code deployment/NAME -n NAMESPACE}, the words kubectl names a deployment by. */
  private static String deploymentArgs(ObjectRef deployment) {
    return "deployment/"
        + shellWord(deployment.name())
        + " -n "
        + shellWord(String.valueOf(deployment.namespace()));
  }

  public static String shellWord(String word) {
    if (!word.isEmpty() && SHELL_SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  /**
   * {@code helm upgrade RELEASE CHART -n NS --reuse-values --set-string K=V...}: {@code
   * --set-string} because every value here is a name ({@code --set} would turn {@code true}, {@code
   * null} or {@code 0123} into other types), each value escaped for Helm's parser (a comma
   * separates assignments, so one inside a value is written {@code \,}) and then quoted for the
   * shell.
   */
  static String helmUpgrade(Step.SetHelmValues step) {
    StringBuilder command =
        new StringBuilder("helm upgrade ")
            .append(shellWord(step.release()))
            .append(' ')
            .append(step.chartReference())
            .append(" -n ")
            .append(shellWord(step.namespace()))
            .append(" --reuse-values");
    step.values()
        .forEach(
            (key, value) ->
                command
                    .append(" --set-string ")
                    .append(shellWord(key + "=" + helmSetValue(value))));
    return command.toString();
  }

  /** A value for Helm's {@code --set} family: backslash and comma escaped with a backslash. */
  static String helmSetValue(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,");
  }

  /**
   * abctl owns the Helm release and re-applies the user's values file on every install, so the
   * lasting fix goes there, nested: a dotted key written as one YAML key sets nothing.
   */
  static String abctlValues(Map<String, String> values) {
    return "add to your abctl values file (values.yaml):\n"
        + valuesYaml(values)
        + "and run:\nabctl local install --values values.yaml";
  }

  /** Dotted keys as nested YAML, keys in order, values quoted when YAML needs it. */
  public static String valuesYaml(Map<String, String> values) {
    StringBuilder yaml = new StringBuilder();
    List<String> open = new ArrayList<>();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      List<String> keys = List.of(entry.getKey().split("\\.", -1));
      int shared = 0;
      while (shared < open.size()
          && shared < keys.size() - 1
          && open.get(shared).equals(keys.get(shared))) {
        shared++;
      }
      open = new ArrayList<>(open.subList(0, shared));
      for (int depth = shared; depth < keys.size(); depth++) {
        yaml.append("  ".repeat(depth)).append(keys.get(depth)).append(':');
        if (depth == keys.size() - 1) {
          yaml.append(' ').append(scalar(entry.getValue()));
        } else {
          open.add(keys.get(depth));
        }
        yaml.append('\n');
      }
    }
    return yaml.toString();
  }

  /** The head of the step's RBAC object of {@code kind}: its name and namespace are the step's. */
  private static StringBuilder rbacObject(
      StringBuilder yaml, String kind, Step.GrantPermissions step) {
    return yaml.append("apiVersion: rbac.authorization.k8s.io/v1\n")
        .append("kind: ")
        .append(kind)
        .append("\nmetadata:\n")
        .append("  name: ")
        .append(scalar(step.name()))
        .append("\n  namespace: ")
        .append(scalar(step.namespace()))
        .append('\n');
  }

  /** A Role and RoleBinding granting exactly the permissions, as a kubectl heredoc. */
  private static String grant(Step.GrantPermissions step) {
    StringBuilder yaml = rbacObject(new StringBuilder(), "Role", step).append("rules:\n");
    for (RoleRule rule : rules(step.permissions())) {
      yaml.append("  - apiGroups: [")
          .append(quoted(rule.group()))
          .append("]\n    resources: ")
          .append(flow(rule.resources()))
          .append("\n    verbs: ")
          .append(flow(rule.verbs()))
          .append('\n');
    }
    yaml.append("---\n");
    rbacObject(yaml, "RoleBinding", step)
        .append("roleRef:\n")
        .append("  apiGroup: rbac.authorization.k8s.io\n")
        .append("  kind: Role\n")
        .append("  name: ")
        .append(scalar(step.name()))
        .append("\nsubjects:\n")
        .append("  - kind: ServiceAccount\n")
        .append("    name: ")
        .append(scalar(step.account().name()))
        .append("\n    namespace: ")
        .append(scalar(step.account().namespace()))
        .append('\n');
    // The check is a command of its own, so the block stays a script a shell can run.
    return "kubectl apply -f - <<'EOF'\n"
        + yaml
        + "EOF\n"
        + "kubectl auth can-i --list -n "
        + shellWord(step.namespace())
        + " --as="
        + shellWord(step.account().username());
  }

  /** One rule per API group and verb set, resources sharing the same verbs merged. */
  private static List<RoleRule> rules(List<Permission> permissions) {
    Map<String, Map<String, List<String>>> verbsByResourceByGroup = new LinkedHashMap<>();
    for (Permission p : permissions) {
      verbsByResourceByGroup
          .computeIfAbsent(p.group(), g -> new LinkedHashMap<>())
          .computeIfAbsent(p.resource(), r -> new ArrayList<>())
          .add(p.verb());
    }
    List<RoleRule> rules = new ArrayList<>();
    verbsByResourceByGroup.forEach(
        (group, verbsByResource) -> {
          Map<List<String>, List<String>> resourcesByVerbs = new LinkedHashMap<>();
          verbsByResource.forEach(
              (resource, verbs) ->
                  resourcesByVerbs.computeIfAbsent(verbs, v -> new ArrayList<>()).add(resource));
          resourcesByVerbs.forEach(
              (verbs, resources) -> rules.add(new RoleRule(group, resources, verbs)));
        });
    return rules;
  }

  private static String flow(List<String> values) {
    return "[" + String.join(", ", values.stream().map(Commands::quoted).toList()) + "]";
  }

  /** Names from the cluster are untrusted: plain only when YAML reads them back unchanged. */
  public static String scalar(String value) {
    return YAML_PLAIN.matcher(value).matches() && !YAML_WORDS.contains(value)
        ? value
        : quoted(value);
  }

  static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private record RoleRule(String group, List<String> resources, List<String> verbs) {}
}
