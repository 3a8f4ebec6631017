package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fix plan as the objects it changes or creates ({@code pulldoctor fix -o yaml}), as they are
 * after the plan. A changed object keeps the {@code resourceVersion} it had when it was diagnosed,
 * so {@code kubectl replace -f} (or {@code kubectl apply}) refuses it when someone changed the
 * object since, instead of overwriting their change. Server-side apply is not used for the env
 * changes: it cannot remove a {@code valueFrom} another field manager (Helm) owns, which replacing
 * a variable's value needs. Secrets are never written out: pulldoctor does not write secret data.
 */
public final class PlanObjects {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .build();
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  private PlanObjects() {}

  public static String render(FixPlan plan) {
    Snapshot after = plan.replayed();
    String restartedAt = plan.after().generatedAt().toString();
    Map<String, HasMetadata> objects = new LinkedHashMap<>();
    List<String> outside = new ArrayList<>();
    for (Step step : plan.steps()) {
      if (step instanceof Step.SetEnv set) {
        deployment(after, set.deployment()).ifPresent(d -> put(objects, d));
      } else if (step instanceof Step.UnsetEnv unset) {
        deployment(after, unset.deployment()).ifPresent(d -> put(objects, d));
      } else if (step instanceof Step.RestartDeployment restart) {
        Optional<Deployment> deployment = deployment(after, restart.deployment());
        if (deployment.isPresent()) {
          HasMetadata existing = objects.get(key(deployment.get()));
          Deployment base = existing instanceof Deployment d ? d : deployment.get();
          put(objects, restarted(base, restartedAt));
        }
      } else if (step instanceof Step.CreateServiceAccount create) {
        after.serviceAccount(create.namespace(), create.name()).ifPresent(a -> put(objects, a));
      } else if (step instanceof Step.GrantPermissions grant) {
        after.roles().stream()
            .filter(r -> same(r, grant.namespace(), grant.name()))
            .forEach(r -> put(objects, r));
        after.roleBindings().stream()
            .filter(b -> same(b, grant.namespace(), grant.name()))
            .forEach(b -> put(objects, b));
      } else if (step instanceof Step.CreatePullSecret create) {
        outside.add(
            "Secret "
                + create.name()
                + " is not written here (pulldoctor never writes secret data); create it with: "
                + PlanScript.createSecret(create));
      } else {
        outside.add(Commands.render(step));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("# pulldoctor fix plan: the objects it changes or creates, as they are after it.\n")
        .append("# Changed objects keep the resourceVersion they were diagnosed at: kubectl")
        .append(" replace -f refuses them if they changed since.\n");
    for (String line : outside) {
      for (String part : Text.terminalSafe(line, true).split("\n", -1)) {
        out.append("# ").append(part).append('\n');
      }
    }
    for (HasMetadata object : objects.values()) {
      try {
        out.append("---\n").append(MAPPER.writeValueAsString(clean(object)));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }

  private static Optional<Deployment> deployment(Snapshot snapshot, ObjectRef ref) {
    return snapshot.deployments().stream()
        .filter(d -> same(d, String.valueOf(ref.namespace()), ref.name()))
        .findFirst();
  }

  private static Deployment restarted(Deployment deployment, String at) {
    return new DeploymentBuilder(deployment)
        .editSpec()
        .editTemplate()
        .editOrNewMetadata()
        .addToAnnotations(RESTARTED_AT, at)
        .endMetadata()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The object without what the API server owns: status, managed fields, uid, timestamps. */
  private static Map<String, Object> clean(HasMetadata object) {
    ObjectMeta meta = object.getMetadata();
    ObjectMeta kept =
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withLabels(meta.getLabels())
            .withAnnotations(meta.getAnnotations())
            .withResourceVersion(meta.getResourceVersion())
            .build();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = MAPPER.convertValue(object, LinkedHashMap.class);
    tree.put("metadata", MAPPER.convertValue(kept, LinkedHashMap.class));
    tree.remove("status");
    return tree;
  }

  private static void put(Map<String, HasMetadata> objects, HasMetadata object) {
    objects.put(key(object), object);
  }

  private static String key(HasMetadata object) {
    return object.getKind()
        + "/"
        + object.getMetadata().getNamespace()
        + "/"
        + object.getMetadata().getName();
  }

  private static boolean same(HasMetadata object, String namespace, String name) {
    return Objects.equals(object.getMetadata().getNamespace(), namespace)
        && Objects.equals(object.getMetadata().getName(), name);
  }
}
