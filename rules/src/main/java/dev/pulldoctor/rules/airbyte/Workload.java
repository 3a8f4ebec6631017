package dev.pulldoctor.rules.airbyte;

import dev.pulldoctor.rules.model.ObjectRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.Objects;

/**
 * An Airbyte deployment that can launch job pods, with the resolved environment of its main
 * container.
 */
public record Workload(
    Component component, Deployment deployment, String containerName, Map<String, EnvValue> env) {

  public Workload {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(containerName, "containerName");
    env = Map.copyOf(env);
  }

  public String name() {
    return deployment.getMetadata().getName();
  }

  public String namespace() {
    return deployment.getMetadata().getNamespace();
  }

  public ObjectRef ref() {
    return ObjectRef.of("Deployment", namespace(), name());
  }

  public EnvValue env(String name) {
    EnvValue value = env.get(name);
    return value == null ? EnvValue.unset(name) : value;
  }
}
