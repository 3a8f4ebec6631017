package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads exactly what the rules need from a live cluster: one namespace-scoped LIST per kind in the
 * Airbyte namespace (and the job namespace when it differs). A kind that cannot be read becomes a
 * {@link CollectionError}; only an unreachable API or rejected credentials stop the run. Secrets
 * are reduced to {@link SecretInfo} as soon as they arrive.
 */
public final class ClusterCollector {
  private static final Logger logger = LoggerFactory.getLogger(ClusterCollector.class);
  private static final String FALLBACK_NAMESPACE = "airbyte";
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final String[] LAUNCHER_NAMES = {
    "workload-launcher", "airbyte-workload-launcher", "worker", "airbyte-worker"
  };

  private final KubernetesClient client;
  private final Clock clock;

  public ClusterCollector(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Reads what the rules need from the Airbyte namespace, one LIST per kind.
   *
   * @param namespace the Airbyte namespace, or null to find it
   * @param context the kubeconfig context name, for the report
   */
  public Snapshot collect(@Nullable String namespace, @Nullable String context)
      throws ClusterUnreachableException {
    String airbyteNamespace = namespace != null ? namespace : findNamespace();
    logger.debug("collecting from namespace {}", airbyteNamespace);
    Snapshot.Builder builder =
        Snapshot.builder(
            clock.instant(), new Source(SourceType.CLUSTER, context, airbyteNamespace));
    List<Deployment> deployments =
        list(
            builder,
            "deployments",
            "apps",
            airbyteNamespace,
            () -> client.apps().deployments().inNamespace(airbyteNamespace).list().getItems());
    builder.addAll(deployments);
    builder.addAll(
        list(
            builder,
            "configmaps",
            "",
            airbyteNamespace,
            () -> client.configMaps().inNamespace(airbyteNamespace).list().getItems()));
    Set<String> namespaces = new LinkedHashSet<>();
    namespaces.add(airbyteNamespace);
    collectJobKinds(builder, airbyteNamespace);
    AirbyteInstall install = AirbyteInstall.from(builder.build(), airbyteNamespace);
    String jobNamespace = install.jobNamespace();
    if (namespaces.add(jobNamespace)) {
      logger.debug("job pods run in namespace {}", jobNamespace);
      collectJobKinds(builder, jobNamespace);
    }
    new AccessReviewer(client).review(builder, install);
    collectClusterKinds(builder);
    return builder.build();
  }

  private void collectJobKinds(Snapshot.Builder builder, String namespace)
      throws ClusterUnreachableException {
    builder.addAll(
        list(
            builder,
            "pods",
            "",
            namespace,
            () -> client.pods().inNamespace(namespace).list().getItems()));
    builder.addAll(
        list(
            builder,
            "events",
            "",
            namespace,
            () -> client.v1().events().inNamespace(namespace).list().getItems()));
    builder.addAll(
        list(
            builder,
            "serviceaccounts",
            "",
            namespace,
            () -> client.serviceAccounts().inNamespace(namespace).list().getItems()));
    List<Secret> secrets =
        list(
            builder,
            "secrets",
            "",
            namespace,
            () -> client.secrets().inNamespace(namespace).list().getItems());
    builder.addAll(
        list(
            builder,
            "roles",
            RBAC_GROUP,
            namespace,
            () -> client.rbac().roles().inNamespace(namespace).list().getItems()));
    builder.addAll(
        list(
            builder,
            "rolebindings",
            RBAC_GROUP,
            namespace,
            () -> client.rbac().roleBindings().inNamespace(namespace).list().getItems()));
    builder.addAll(
        list(
            builder,
            "networkpolicies",
            "networking.k8s.io",
            namespace,
            () ->
                client.network().v1().networkPolicies().inNamespace(namespace).list().getItems()));
    // Reduce at once; never log or keep a fabric8 Secret (its toString prints data).
    secrets.forEach(s -> builder.secret(SecretInfo.from(s)));
    logger.debug(
        "read {} secrets in namespace {} (kept as redacted views)", secrets.size(), namespace);
  }

  /** Cluster-scoped kinds: nodes (for kind detection and platforms) and cluster RBAC. */
  private void collectClusterKinds(Snapshot.Builder builder) throws ClusterUnreachableException {
    builder.addAll(list(builder, "nodes", "", null, () -> client.nodes().list().getItems()));
    builder.addAll(
        list(
            builder,
            "clusterroles",
            RBAC_GROUP,
            null,
            () -> client.rbac().clusterRoles().list().getItems()));
    builder.addAll(
        list(
            builder,
            "clusterrolebindings",
            RBAC_GROUP,
            null,
            () -> client.rbac().clusterRoleBindings().list().getItems()));
  }

  private String findNamespace() throws ClusterUnreachableException {
    try {
      // One equality selector per name: set-based selectors ('in') are not served by every
      // API proxy, and this is at most four small cluster-wide deployment lists.
      List<Deployment> launchers = new ArrayList<>();
      for (String name : LAUNCHER_NAMES) {
        launchers.addAll(
            client
                .apps()
                .deployments()
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/name", name)
                .list()
                .getItems());
      }
      List<String> found = AirbyteInstall.launcherNamespaces(launchers);
      if (found.size() > 1) {
        logger.warn(
            "Airbyte runs in several namespaces ({}); using {}. Pass -n to choose.",
            String.join(", ", found),
            found.get(0));
      }
      return found.isEmpty() ? FALLBACK_NAMESPACE : found.get(0);
    } catch (KubernetesClientException e) {
      failIfUnreachable(e);
      logger.info(
          "cannot list deployments cluster-wide to find Airbyte ({}); using namespace {}",
          e.getCode(),
          FALLBACK_NAMESPACE);
      return FALLBACK_NAMESPACE;
    }
  }

  private <T extends HasMetadata> List<T> list(
      Snapshot.Builder builder,
      String resource,
      String group,
      @Nullable String namespace,
      Supplier<List<T>> call)
      throws ClusterUnreachableException {
    try {
      List<T> items = call.get();
      logger.debug(
          "listed {} {} {}",
          items.size(),
          resource,
          namespace == null ? "cluster-wide" : "in namespace " + namespace);
      return items;
    } catch (KubernetesClientException e) {
      failIfUnreachable(e);
      CollectionError error =
          new CollectionError(resource, group, namespace, "list", e.getCode(), reason(e));
      logger.warn("{}", error.describe());
      builder.collectionError(error);
      return List.of();
    }
  }

  private void failIfUnreachable(KubernetesClientException e) throws ClusterUnreachableException {
    if (e.getCode() <= 0) {
      throw new ClusterUnreachableException(
          "cannot reach the Kubernetes API at "
              + client.getConfiguration().getMasterUrl()
              + ": "
              + ConnectionFailure.describe(e));
    }
    if (e.getCode() == 401) {
      throw new ClusterUnreachableException(
          "the Kubernetes API rejected the credentials of this context (401 Unauthorized);"
              + " log in again or refresh the kubeconfig");
    }
  }

  private static String reason(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      default -> "HTTP " + e.getCode();
    };
  }
}
