package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Proof;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.rbac.Permission;

/**
 * A result's structured fix in the report ({@code fix} next to {@code remediation}): the reason,
 * each step with its action, the names it touches, whether a replay can apply it, and the command
 * that carries it out.
 */
final class FixTree {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FixTree() {}

  static ObjectNode of(Fix fix) {
    ObjectNode node = NODES.objectNode();
    node.put("reason", fix.reason());
    ArrayNode steps = node.putArray("steps");
    fix.steps().forEach(s -> steps.add(step(s)));
    if (!fix.alternatives().isEmpty()) {
      ArrayNode alternatives = node.putArray("alternatives");
      fix.alternatives().forEach(a -> alternatives.add(of(a)));
    }
    Proof proof = fix.proof();
    if (proof != null) {
      // What replaying the fix on this snapshot showed, before it was printed.
      ObjectNode replay = node.putObject("proof");
      replay.put("clears", proof.clears());
      ArrayNode failures = replay.putArray("newFailures");
      proof.newFailures().forEach(failures::add);
      ArrayNode manual = replay.putArray("manualSteps");
      proof.manualSteps().forEach(manual::add);
    }
    return node;
  }

  private static ObjectNode step(Step step) {
    ObjectNode node = NODES.objectNode();
    if (step instanceof Step.SetEnv s) {
      node.put("action", "setEnv");
      node.set("deployment", ObjectRefTree.of(s.deployment()));
      node.put("name", s.name());
      node.put("value", s.value());
    } else if (step instanceof Step.UnsetEnv s) {
      node.put("action", "unsetEnv");
      node.set("deployment", ObjectRefTree.of(s.deployment()));
      node.put("name", s.name());
    } else if (step instanceof Step.CreatePullSecret s) {
      node.put("action", s.replaceExisting() ? "replacePullSecret" : "createPullSecret");
      node.put("namespace", s.namespace());
      node.put("name", s.name());
      node.put("server", s.server());
    } else if (step instanceof Step.GrantPermissions s) {
      node.put("action", "grantPermissions");
      node.put("namespace", s.namespace());
      node.put("name", s.name());
      node.put("serviceAccount", s.account().display());
      ArrayNode permissions = node.putArray("permissions");
      s.permissions().stream().map(Permission::display).forEach(permissions::add);
    } else if (step instanceof Step.CreateServiceAccount s) {
      node.put("action", "createServiceAccount");
      node.put("namespace", s.namespace());
      node.put("name", s.name());
    } else if (step instanceof Step.RestartDeployment s) {
      node.put("action", "restartDeployment");
      node.set("deployment", ObjectRefTree.of(s.deployment()));
    } else if (step instanceof Step.LoadKindImage s) {
      node.put("action", "loadKindImage");
      node.put("cluster", s.cluster());
      node.put("image", s.image());
    } else if (step instanceof Step.SetHelmValues s) {
      node.put("action", s.abctl() ? "setAbctlValues" : "setHelmValues");
      node.put("release", s.release());
      node.put("namespace", s.namespace());
      ObjectNode values = node.putObject("values");
      s.values().forEach(values::put);
    } else {
      node.put("action", "manual");
    }
    node.put("replayable", step.replayable());
    node.put("command", Commands.render(step));
    return node;
  }
}
