package dev.pulldoctor.agent.collect;

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

/**
 * A resource kind the collector reads whole (every kind but Secrets, which are read by type): its
 * API name and group, as a {@link dev.pulldoctor.rules.model.CollectionError} names them, and its
 * class, so a cache can hand back typed objects.
 *
 * @param resource the plural resource name, e.g. {@code pods}
 * @param group the API group, empty for the core group
 * @param namespaced false for cluster-scoped kinds
 */
public record Kind<T extends HasMetadata>(
    String resource, String group, Class<T> type, boolean namespaced) {
  private static final String RBAC = "rbac.authorization.k8s.io";

  public static final Kind<Deployment> DEPLOYMENTS =
      new Kind<>("deployments", "apps", Deployment.class, true);
  public static final Kind<ConfigMap> CONFIG_MAPS =
      new Kind<>("configmaps", "", ConfigMap.class, true);
  public static final Kind<Pod> PODS = new Kind<>("pods", "", Pod.class, true);
  public static final Kind<Event> EVENTS = new Kind<>("events", "", Event.class, true);
  public static final Kind<ServiceAccount> SERVICE_ACCOUNTS =
      new Kind<>("serviceaccounts", "", ServiceAccount.class, true);
  public static final Kind<Role> ROLES = new Kind<>("roles", RBAC, Role.class, true);
  public static final Kind<RoleBinding> ROLE_BINDINGS =
      new Kind<>("rolebindings", RBAC, RoleBinding.class, true);
  public static final Kind<NetworkPolicy> NETWORK_POLICIES =
      new Kind<>("networkpolicies", "networking.k8s.io", NetworkPolicy.class, true);
  public static final Kind<Node> NODES = new Kind<>("nodes", "", Node.class, false);
  public static final Kind<ClusterRole> CLUSTER_ROLES =
      new Kind<>("clusterroles", RBAC, ClusterRole.class, false);
  public static final Kind<ClusterRoleBinding> CLUSTER_ROLE_BINDINGS =
      new Kind<>("clusterrolebindings", RBAC, ClusterRoleBinding.class, false);

  /** The kinds of the Airbyte namespace only: the launcher and its configuration. */
  public static final List<Kind<?>> AIRBYTE_NAMESPACE = List.of(DEPLOYMENTS, CONFIG_MAPS);

  /** The kinds read in the Airbyte namespace and again in the job namespace when it differs. */
  public static final List<Kind<?>> EACH_NAMESPACE =
      List.of(PODS, EVENTS, SERVICE_ACCOUNTS, ROLES, ROLE_BINDINGS, NETWORK_POLICIES);

  /** The cluster-scoped kinds. */
  public static final List<Kind<?>> CLUSTER = List.of(NODES, CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS);

  /** The class's simple name, e.g. {@code Pod}. */
  public String name() {
    return type.getSimpleName();
  }
}
