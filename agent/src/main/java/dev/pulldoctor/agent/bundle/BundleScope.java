package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Chooses which collected objects go into a bundle: everything the rules read from the bundle's
 * namespaces, but of ConfigMaps only the ones Airbyte's job launcher reads its settings from (its
 * {@code <release>-airbyte-env} ConfigMap), and of cluster-wide RBAC only the bindings that can
 * apply to those namespaces' service accounts, with the ClusterRoles they name.
 */
final class BundleScope {
  /** Objects left out, by kind. */
  record Omission(String resource, int count, String reason) {}

  private final Map<ObjectFile, List<HasMetadata>> kept = new EnumMap<>(ObjectFile.class);
  private final List<Omission> omitted = new ArrayList<>();
  private final List<String> namespaces;

  private BundleScope(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  static BundleScope of(Snapshot snapshot) {
    String namespace = snapshot.source().namespace();
    AirbyteInstall install = AirbyteInstall.from(snapshot, namespace);
    Set<String> namespaces = new LinkedHashSet<>(List.of(namespace, install.jobNamespace()));
    BundleScope scope = new BundleScope(List.copyOf(namespaces));
    for (ObjectFile file : ObjectFile.values()) {
      scope.kept.put(file, List.copyOf(file.of(snapshot)));
    }
    Set<String> envConfigMaps = envConfigMaps(install);
    scope.keep(
        ObjectFile.CONFIG_MAPS,
        c ->
            namespace.equals(c.getMetadata().getNamespace())
                && envConfigMaps.contains(c.getMetadata().getName()),
        "only the ConfigMaps Airbyte's job launcher reads are kept"
            + (envConfigMaps.isEmpty() ? "" : " (" + String.join(", ", envConfigMaps) + ")"));
    scope.keep(
        ObjectFile.CLUSTER_ROLE_BINDINGS,
        b -> scope.appliesHere(((ClusterRoleBinding) b).getSubjects()),
        "bindings with no subject in the bundle's namespaces are left out");
    Set<String> roles = scope.referencedClusterRoles();
    scope.keep(
        ObjectFile.CLUSTER_ROLES,
        r -> roles.contains(((ClusterRole) r).getMetadata().getName()),
        "ClusterRoles no kept binding refers to are left out");
    return scope;
  }

  List<String> namespaces() {
    return namespaces;
  }

  List<HasMetadata> objects(ObjectFile file) {
    return kept.getOrDefault(file, List.of());
  }

  List<Omission> omitted() {
    return List.copyOf(omitted);
  }

  private void keep(ObjectFile file, Predicate<HasMetadata> wanted, String why) {
    List<HasMetadata> all = kept.getOrDefault(file, List.of());
    List<HasMetadata> chosen = all.stream().filter(wanted).toList();
    kept.put(file, chosen);
    if (chosen.size() < all.size()) {
      omitted.add(new Omission(file.resource(), all.size() - chosen.size(), why));
    }
  }

  /** The ConfigMaps the launcher and worker read through env or envFrom, and the env ConfigMap. */
  private static Set<String> envConfigMaps(AirbyteInstall install) {
    Set<String> names = new TreeSet<>();
    install.envConfigMapName().ifPresent(names::add);
    Stream.of(install.workloadLauncher(), install.worker())
        .flatMap(Optional::stream)
        .map(Workload::deployment)
        .flatMap(BundleScope::podSpec)
        .flatMap(BundleScope::containers)
        .forEach(c -> names.addAll(referencedConfigMaps(c)));
    return names;
  }

  private static Stream<PodSpec> podSpec(Deployment deployment) {
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null) {
      return Stream.empty();
    }
    return Stream.of(deployment.getSpec().getTemplate().getSpec());
  }

  private static Stream<Container> containers(PodSpec spec) {
    return Stream.concat(
        spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
        spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream());
  }

  private static Set<String> referencedConfigMaps(Container container) {
    Set<String> names = new TreeSet<>();
    if (container.getEnv() != null) {
      for (EnvVar env : container.getEnv()) {
        if (env.getValueFrom() != null
            && env.getValueFrom().getConfigMapKeyRef() != null
            && env.getValueFrom().getConfigMapKeyRef().getName() != null) {
          names.add(env.getValueFrom().getConfigMapKeyRef().getName());
        }
      }
    }
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        if (from.getConfigMapRef() != null && from.getConfigMapRef().getName() != null) {
          names.add(from.getConfigMapRef().getName());
        }
      }
    }
    return names;
  }

  /**
   * Whether a binding can grant something to a service account of the bundle's namespaces: it names
   * one, their group, all service accounts, or all authenticated users.
   */
  private boolean appliesHere(List<Subject> subjects) {
    if (subjects == null) {
      return false;
    }
    for (Subject subject : subjects) {
      String kind = Objects.requireNonNullElse(subject.getKind(), "");
      String name = Objects.requireNonNullElse(subject.getName(), "");
      switch (kind) {
        case "ServiceAccount" -> {
          if (namespaces.contains(subject.getNamespace())) {
            return true;
          }
        }
        case "Group" -> {
          if (name.equals("system:serviceaccounts")
              || name.equals("system:authenticated")
              || namespaces.stream().anyMatch(ns -> name.equals("system:serviceaccounts:" + ns))) {
            return true;
          }
        }
        case "User" -> {
          if (namespaces.stream()
              .anyMatch(ns -> name.startsWith("system:serviceaccount:" + ns + ":"))) {
            return true;
          }
        }
        default -> {}
      }
    }
    return false;
  }

  private Set<String> referencedClusterRoles() {
    Set<String> names = new TreeSet<>();
    for (HasMetadata object : objects(ObjectFile.ROLE_BINDINGS)) {
      RoleBinding binding = (RoleBinding) object;
      if (binding.getRoleRef() != null && "ClusterRole".equals(binding.getRoleRef().getKind())) {
        names.add(binding.getRoleRef().getName());
      }
    }
    for (HasMetadata object : objects(ObjectFile.CLUSTER_ROLE_BINDINGS)) {
      ClusterRoleBinding binding = (ClusterRoleBinding) object;
      if (binding.getRoleRef() != null) {
        names.add(binding.getRoleRef().getName());
      }
    }
    return names;
  }
}
