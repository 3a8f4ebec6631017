package dev.pulldoctor.agent.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The writes {@code fix --apply} makes for a plan, and the steps left for a person. Env changes and
 * restarts become one guarded JSON patch per Deployment (the containers' env as diagnosed, tested,
 * then replaced by the env after the plan); new ServiceAccounts, Roles and RoleBindings are
 * created; a pull secret is written only from {@code --docker-config}. Helm values, kind loads and
 * manual steps are never applied.
 *
 * @param changes the writes, in plan order
 * @param byHand the steps a person takes, in plan order
 */
public record ChangeSet(List<ClusterChange> changes, List<Step> byHand) {
  static final String FIELD_MANAGER = "pulldoctor";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  public ChangeSet {
    changes = List.copyOf(changes);
    byHand = List.copyOf(byHand);
  }

  public static ChangeSet of(
      FixPlan plan, Snapshot before, @Nullable DockerConfigFile dockerConfig, Instant now) {
    Snapshot after = plan.replayed();
    List<ClusterChange> changes = new ArrayList<>();
    List<Step> byHand = new ArrayList<>();
    Map<String, DeploymentChange> deployments = new LinkedHashMap<>();
    for (Step step : plan.steps()) {
      if (step instanceof Step.SetEnv set) {
        deployments
            .computeIfAbsent(key(set.deployment()), k -> new DeploymentChange(set.deployment()))
            .describe("set " + set.name() + "=" + set.value());
      } else if (step instanceof Step.UnsetEnv unset) {
        deployments
            .computeIfAbsent(key(unset.deployment()), k -> new DeploymentChange(unset.deployment()))
            .describe("remove " + unset.name());
      } else if (step instanceof Step.RestartDeployment restart) {
        DeploymentChange change =
            deployments.computeIfAbsent(
                key(restart.deployment()), k -> new DeploymentChange(restart.deployment()));
        change.restart = true;
        change.describe("restart its pods");
      } else if (step instanceof Step.CreateServiceAccount create) {
        after
            .serviceAccount(create.namespace(), create.name())
            .ifPresent(a -> changes.add(new ClusterChange.Create(fresh(a), "create it")));
      } else if (step instanceof Step.GrantPermissions grant) {
        after.roles().stream()
            .filter(r -> named(r, grant.namespace(), grant.name()))
            .forEach(r -> changes.add(new ClusterChange.Create(fresh(r), "create it")));
        after.roleBindings().stream()
            .filter(b -> named(b, grant.namespace(), grant.name()))
            .forEach(
                b ->
                    changes.add(
                        new ClusterChange.Create(
                            fresh(b), "bind it to " + grant.account().username())));
      } else if (step instanceof Step.CreatePullSecret create) {
        Optional<ClusterChange> secret =
            dockerConfig == null ? Optional.empty() : secret(create, before, dockerConfig);
        if (secret.isPresent()) {
          changes.add(secret.get());
        } else {
          byHand.add(step);
        }
      } else {
        byHand.add(step);
      }
    }
    for (DeploymentChange change : deployments.values()) {
      change.patch(before, after, now).ifPresent(changes::add);
    }
    return new ChangeSet(changes, byHand);
  }

  /** The env and restart changes of one Deployment, made one patch. */
  private static final class DeploymentChange {
    final ObjectRef ref;
    final List<String> what = new ArrayList<>();
    boolean restart;

    DeploymentChange(ObjectRef ref) {
      this.ref = ref;
    }

    void describe(String change) {
      what.add(change);
    }

    Optional<ClusterChange> patch(Snapshot before, Snapshot after, Instant now) {
      Optional<Deployment> old = deployment(before, ref);
      Optional<Deployment> changed = deployment(after, ref);
      if (old.isEmpty() || changed.isEmpty()) {
        return Optional.empty();
      }
      ArrayNode ops = JSON.createArrayNode();
      Long generation = old.get().getMetadata().getGeneration();
      if (generation != null) {
        // generation moves with every change of the spec, and only then.
        test(ops, "/metadata/generation", JSON.valueToTree(generation));
      }
      List<Container> oldContainers = old.get().getSpec().getTemplate().getSpec().getContainers();
      List<Container> newContainers =
          changed.get().getSpec().getTemplate().getSpec().getContainers();
      for (int i = 0; i < oldContainers.size() && i < newContainers.size(); i++) {
        String path = "/spec/template/spec/containers/" + i;
        test(ops, path + "/name", JSON.valueToTree(oldContainers.get(i).getName()));
        JsonNode oldEnv = JSON.valueToTree(oldContainers.get(i).getEnv());
        JsonNode newEnv = JSON.valueToTree(newContainers.get(i).getEnv());
        if (Objects.equals(oldEnv, newEnv)) {
          continue;
        }
        boolean hadEnv = oldEnv.isArray() && !oldEnv.isEmpty();
        if (hadEnv) {
          test(ops, path + "/env", oldEnv);
        }
        ObjectNode op = ops.addObject();
        op.put("op", hadEnv ? "replace" : "add").put("path", path + "/env").set("value", newEnv);
      }
      if (restart) {
        Map<String, String> annotations =
            old.get().getSpec().getTemplate().getMetadata() == null
                ? null
                : old.get().getSpec().getTemplate().getMetadata().getAnnotations();
        ObjectNode op = ops.addObject().put("op", "add");
        if (annotations == null || annotations.isEmpty()) {
          op.put("path", "/spec/template/metadata/annotations")
              .putObject("value")
              .put(RESTARTED_AT, now.toString());
        } else {
          op.put("path", "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
              .put("value", now.toString());
        }
      }
      return Optional.of(
          new ClusterChange.Patch(
              "Deployment",
              String.valueOf(ref.namespace()),
              ref.name(),
              String.join(", ", what),
              ops));
    }
  }

  /** The pull secret from the Docker config file's entry for its registry; none without one. */
  private static Optional<ClusterChange> secret(
      Step.CreatePullSecret create, Snapshot before, DockerConfigFile dockerConfig) {
    Optional<byte[]> config = dockerConfig.pullSecretFor(create.server());
    if (config.isEmpty()) {
      return Optional.empty();
    }
    String data = Base64.getEncoder().encodeToString(config.get());
    Optional<SecretInfo> existing = before.secret(create.namespace(), create.name());
    if (existing.isPresent()) {
      if (!existing.get().type().equals(DOCKER_CONFIG_JSON)) {
        // The API server never changes a secret's type; the plan names a new secret instead.
        return Optional.empty();
      }
      ArrayNode ops = JSON.createArrayNode();
      test(ops, "/type", JSON.getNodeFactory().textNode(DOCKER_CONFIG_JSON));
      ops.addObject().put("op", "add").put("path", "/data/.dockerconfigjson").put("value", data);
      return Optional.of(
          new ClusterChange.Patch(
              "Secret",
              create.namespace(),
              create.name(),
              "write its credentials for " + create.server() + " from " + dockerConfig.path(),
              ops));
    }
    return Optional.of(
        new ClusterChange.Create(
            new SecretBuilder()
                .withNewMetadata()
                .withName(create.name())
                .withNamespace(create.namespace())
                .endMetadata()
                .withType(DOCKER_CONFIG_JSON)
                .withData(Map.of(".dockerconfigjson", data))
                .build(),
            "create it with the credentials for "
                + create.server()
                + " from "
                + dockerConfig.path()));
  }

  private static void test(ArrayNode ops, String path, JsonNode value) {
    ops.addObject().put("op", "test").put("path", path).set("value", value);
  }

  private static Optional<Deployment> deployment(Snapshot snapshot, ObjectRef ref) {
    return snapshot.deployments().stream()
        .filter(d -> named(d, String.valueOf(ref.namespace()), ref.name()))
        .findFirst();
  }

  /**
   * A copy of a new object as it is sent: only name, namespace, labels and annotations of its
   * metadata (the snapshot's object is left as it is).
   */
  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T fresh(T original) {
    T object = (T) JSON.convertValue(original, original.getClass());
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace())
            .withLabels(object.getMetadata().getLabels())
            .withAnnotations(object.getMetadata().getAnnotations())
            .build());
    return object;
  }

  private static boolean named(HasMetadata object, String namespace, String name) {
    return Objects.equals(object.getMetadata().getNamespace(), namespace)
        && Objects.equals(object.getMetadata().getName(), name);
  }

  private static String key(ObjectRef ref) {
    return ref.namespace() + "/" + ref.name();
  }
}
