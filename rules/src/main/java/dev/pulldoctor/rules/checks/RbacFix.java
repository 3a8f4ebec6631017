package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A Role and RoleBinding granting exactly the missing permissions, as a kubectl heredoc. */
final class RbacFix {
  private static final Pattern PLAIN = Pattern.compile("[a-z]([-a-z0-9.]*[a-z0-9])?");
  private static final Set<String> YAML_WORDS =
      Set.of("null", "true", "false", "yes", "no", "on", "off", "y", "n");

  private RbacFix() {}

  static String grant(
      Snapshot snapshot,
      ServiceAccountUser account,
      String namespace,
      List<Permission> missing,
      String baseName) {
    String name = freeName(snapshot, namespace, baseName);
    StringBuilder yaml =
        new StringBuilder()
            .append("apiVersion: rbac.authorization.k8s.io/v1\n")
            .append("kind: Role\n")
            .append("metadata:\n")
            .append("  name: ")
            .append(scalar(name))
            .append("\n  namespace: ")
            .append(scalar(namespace))
            .append("\nrules:\n");
    for (Rule rule : rules(missing)) {
      yaml.append("  - apiGroups: [")
          .append(quoted(rule.group()))
          .append("]\n    resources: ")
          .append(flow(rule.resources()))
          .append("\n    verbs: ")
          .append(flow(rule.verbs()))
          .append('\n');
    }
    yaml.append("---\n")
        .append("apiVersion: rbac.authorization.k8s.io/v1\n")
        .append("kind: RoleBinding\n")
        .append("metadata:\n")
        .append("  name: ")
        .append(scalar(name))
        .append("\n  namespace: ")
        .append(scalar(namespace))
        .append("\nroleRef:\n")
        .append("  apiGroup: rbac.authorization.k8s.io\n")
        .append("  kind: Role\n")
        .append("  name: ")
        .append(scalar(name))
        .append("\nsubjects:\n")
        .append("  - kind: ServiceAccount\n")
        .append("    name: ")
        .append(scalar(account.name()))
        .append("\n    namespace: ")
        .append(scalar(account.namespace()))
        .append('\n');
    return "Grant only the missing permissions with a Role and RoleBinding of their own (helm"
        + " upgrade leaves them alone; the chart's own Role is a pre-install hook it never"
        + " re-creates):\n"
        + "kubectl apply -f - <<'EOF'\n"
        + yaml
        + "EOF\n"
        + "Then check: kubectl auth can-i --list -n "
        + Fixes.shellWord(namespace)
        + " --as="
        + Fixes.shellWord(account.username());
  }

  /** The base name, or base-2, base-3… when a Role or RoleBinding of that name already exists. */
  private static String freeName(Snapshot snapshot, String namespace, String base) {
    String name = base;
    for (int i = 2; taken(snapshot, namespace, name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  private static boolean taken(Snapshot snapshot, String namespace, String name) {
    return Snapshot.inNamespace(snapshot.roles(), namespace).stream()
            .anyMatch(r -> name.equals(r.getMetadata().getName()))
        || Snapshot.inNamespace(snapshot.roleBindings(), namespace).stream()
            .anyMatch(b -> name.equals(b.getMetadata().getName()));
  }

  /** One rule per API group and verb set, resources sharing the same verbs merged. */
  private static List<Rule> rules(List<Permission> missing) {
    Map<String, Map<String, List<String>>> verbsByResourceByGroup = new LinkedHashMap<>();
    for (Permission p : missing) {
      verbsByResourceByGroup
          .computeIfAbsent(p.group(), g -> new LinkedHashMap<>())
          .computeIfAbsent(p.resource(), r -> new ArrayList<>())
          .add(p.verb());
    }
    List<Rule> rules = new ArrayList<>();
    verbsByResourceByGroup.forEach(
        (group, verbsByResource) -> {
          Map<List<String>, List<String>> resourcesByVerbs = new LinkedHashMap<>();
          verbsByResource.forEach(
              (resource, verbs) ->
                  resourcesByVerbs.computeIfAbsent(verbs, v -> new ArrayList<>()).add(resource));
          resourcesByVerbs.forEach(
              (verbs, resources) -> rules.add(new Rule(group, resources, verbs)));
        });
    return rules;
  }

  private static String flow(List<String> values) {
    return "[" + String.join(", ", values.stream().map(RbacFix::quoted).toList()) + "]";
  }

  /** Names from the cluster are untrusted: plain only when YAML reads them back unchanged. */
  static String scalar(String value) {
    return PLAIN.matcher(value).matches() && !YAML_WORDS.contains(value) ? value : quoted(value);
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

  private record Rule(String group, List<String> resources, List<String> verbs) {}
}
