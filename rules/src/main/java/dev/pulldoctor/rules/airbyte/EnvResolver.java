package dev.pulldoctor.rules.airbyte;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes a container's environment the way the kubelet does at container start: {@code envFrom}
 * sources first, then {@code env} entries in order (a later entry of the same name wins), {@code
 * valueFrom} references resolved, and {@code $(VAR)} references to earlier variables expanded.
 */
public final class EnvResolver {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final String namespace;
  private final Function<String, Optional<ConfigMap>> configMaps;

  /**
   * @param namespace the namespace the container's pod runs in
   * @param configMaps looks up a ConfigMap of that namespace by name
   */
  public EnvResolver(String namespace, Function<String, Optional<ConfigMap>> configMaps) {
    this.namespace = namespace;
    this.configMaps = configMaps;
  }

  public Map<String, EnvValue> resolve(Container container) {
    Map<String, EnvValue> env = new LinkedHashMap<>();
    if (container.getEnvFrom() != null) {
      for (EnvFromSource source : container.getEnvFrom()) {
        addEnvFrom(source, env);
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar variable : container.getEnv()) {
        env.put(variable.getName(), resolveOne(variable, env));
      }
    }
    return env;
  }

  private void addEnvFrom(EnvFromSource source, Map<String, EnvValue> env) {
    if (source.getConfigMapRef() == null) {
      return; // secretRef values are never read; such variables stay unknown
    }
    String name = source.getConfigMapRef().getName();
    String prefix = source.getPrefix() == null ? "" : source.getPrefix();
    Optional<ConfigMap> configMap = configMaps.apply(name);
    if (configMap.isEmpty()) {
      return;
    }
    Map<String, String> data = configMap.get().getData();
    if (data == null) {
      return;
    }
    data.forEach(
        (key, value) ->
            env.put(
                prefix + key,
                new EnvValue(
                    prefix + key, value, "envFrom ConfigMap " + name + " key " + key, null)));
  }

  private EnvValue resolveOne(EnvVar variable, Map<String, EnvValue> earlier) {
    String name = variable.getName();
    EnvVarSource from = variable.getValueFrom();
    if (from == null) {
      String raw = variable.getValue() == null ? "" : variable.getValue();
      return new EnvValue(name, expand(raw, earlier), "value", null);
    }
    if (from.getConfigMapKeyRef() != null) {
      return fromConfigMap(name, from.getConfigMapKeyRef());
    }
    if (from.getFieldRef() != null) {
      String path = from.getFieldRef().getFieldPath();
      String origin = "fieldRef " + path;
      return "metadata.namespace".equals(path)
          ? new EnvValue(name, namespace, origin, null)
          : new EnvValue(name, null, origin, null);
    }
    if (from.getSecretKeyRef() != null) {
      return new EnvValue(
          name,
          null,
          "Secret " + from.getSecretKeyRef().getName() + " key " + from.getSecretKeyRef().getKey(),
          null);
    }
    return new EnvValue(name, null, "valueFrom", null);
  }

  private EnvValue fromConfigMap(String name, ConfigMapKeySelector ref) {
    String origin = "ConfigMap " + ref.getName() + " key " + ref.getKey();
    boolean optional = Boolean.TRUE.equals(ref.getOptional());
    Optional<ConfigMap> configMap = configMaps.apply(ref.getName());
    if (configMap.isEmpty()) {
      return unresolved(
          name,
          origin,
          optional,
          "ConfigMap "
              + ref.getName()
              + " does not exist in namespace "
              + namespace
              + ": the container cannot start (CreateContainerConfigError)");
    }
    Map<String, String> data = configMap.get().getData();
    if (data == null || !data.containsKey(ref.getKey())) {
      return unresolved(
          name,
          origin,
          optional,
          "couldn't find key "
              + ref.getKey()
              + " in ConfigMap "
              + namespace
              + "/"
              + ref.getName()
              + ": the container cannot start (CreateContainerConfigError)");
    }
    return new EnvValue(name, data.get(ref.getKey()), origin, null);
  }

  /**
   * A reference that does not resolve: no value, and {@code problem} unless the reference is
   * optional (then the kubelet starts the container without the variable).
   */
  private static EnvValue unresolved(String name, String origin, boolean optional, String problem) {
    return new EnvValue(name, null, origin, optional ? null : problem);
  }

  /**
   * Kubernetes' {@code $(VAR)} expansion: {@code $$} escapes, unknown references stay as written.
   */
  private static String expand(String raw, Map<String, EnvValue> earlier) {
    Matcher m = REFERENCE.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1) == null) {
        replacement = "$";
      } else {
        EnvValue ref = earlier.get(m.group(1));
        replacement = ref != null && ref.value() != null ? ref.value() : m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
