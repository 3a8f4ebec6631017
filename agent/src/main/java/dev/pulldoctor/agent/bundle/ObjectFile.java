package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;

/** The Kubernetes kinds a bundle holds, each in its own file as a {@code kind: List}. */
enum ObjectFile {
  CLUSTER_ROLE_BINDINGS(
      "objects/clusterrolebindings.yaml", "clusterrolebindings", ClusterRoleBinding.class),
  CLUSTER_ROLES("objects/clusterroles.yaml", "clusterroles", ClusterRole.class),
  CONFIG_MAPS("objects/configmaps.yaml", "configmaps", ConfigMap.class),
  DEPLOYMENTS("objects/deployments.yaml", "deployments", Deployment.class),
  EVENTS("events.json", "events", Event.class),
  NETWORK_POLICIES("objects/networkpolicies.yaml", "networkpolicies", NetworkPolicy.class),
  NODES("objects/nodes.yaml", "nodes", Node.class),
  PODS("objects/pods.yaml", "pods", Pod.class),
  ROLE_BINDINGS("objects/rolebindings.yaml", "rolebindings", RoleBinding.class),
  ROLES("objects/roles.yaml", "roles", Role.class),
  SERVICE_ACCOUNTS("objects/serviceaccounts.yaml", "serviceaccounts", ServiceAccount.class);

  private final String file;
  private final String resource;
  private final Class<? extends HasMetadata> type;

  ObjectFile(String file, String resource, Class<? extends HasMetadata> type) {
    this.file = file;
    this.resource = resource;
    this.type = type;
  }

  /** The path inside the bundle. */
  String file() {
    return file;
  }

  /** The plural resource name, as in collection errors and RBAC. */
  String resource() {
    return resource;
  }

  Class<? extends HasMetadata> type() {
    return type;
  }

  /** The kind as written in each object, e.g. {@code Pod}. */
  String kind() {
    return type.getSimpleName();
  }

  List<? extends HasMetadata> of(Snapshot snapshot) {
    return switch (this) {
      case CLUSTER_ROLE_BINDINGS -> snapshot.clusterRoleBindings();
      case CLUSTER_ROLES -> snapshot.clusterRoles();
      case CONFIG_MAPS -> snapshot.configMaps();
      case DEPLOYMENTS -> snapshot.deployments();
      case EVENTS -> snapshot.events();
      case NETWORK_POLICIES -> snapshot.networkPolicies();
      case NODES -> snapshot.nodes();
      case PODS -> snapshot.pods();
      case ROLE_BINDINGS -> snapshot.roleBindings();
      case ROLES -> snapshot.roles();
      case SERVICE_ACCOUNTS -> snapshot.serviceAccounts();
    };
  }
}
