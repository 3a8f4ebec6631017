package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.helm.HelmRelease;
import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable picture of what matters in the cluster: the objects the rules read, secrets only as
 * redacted {@link SecretInfo}s, what live collection observed (access reviews, what Airbyte's API
 * listed, registry probes), and the reads that failed. The live collector, the manifest reader and
 * the bundle reader all produce one.
 */
public record Snapshot(
    Instant capturedAt,
    Source source,
    List<Deployment> deployments,
    List<Pod> pods,
    List<Event> events,
    List<ConfigMap> configMaps,
    List<ServiceAccount> serviceAccounts,
    List<SecretInfo> secrets,
    List<HelmRelease> helmReleases,
    List<Node> nodes,
    List<Role> roles,
    List<RoleBinding> roleBindings,
    List<ClusterRole> clusterRoles,
    List<ClusterRoleBinding> clusterRoleBindings,
    List<NetworkPolicy> networkPolicies,
    List<AccessReview> accessReviews,
    List<ConnectorDiscovery> connectorDiscoveries,
    List<RegistryObservation> registryObservations,
    List<CollectionError> collectionErrors) {

  public Snapshot {
    Objects.requireNonNull(capturedAt, "capturedAt");
    Objects.requireNonNull(source, "source");
    deployments = sorted(deployments);
    pods = sorted(pods);
    events = byNamespace(events);
    configMaps = sorted(configMaps);
    serviceAccounts = sorted(serviceAccounts);
    secrets =
        IndexedList.of(
            secrets.stream()
                .sorted(Comparator.comparing(SecretInfo::namespace).thenComparing(SecretInfo::name))
                .toList(),
            SecretInfo::namespace,
            SecretInfo::name);
    helmReleases = newestPerRelease(helmReleases);
    nodes = sorted(nodes);
    roles = sorted(roles);
    roleBindings = sorted(roleBindings);
    clusterRoles = sorted(clusterRoles);
    clusterRoleBindings = sorted(clusterRoleBindings);
    networkPolicies = sorted(networkPolicies);
    accessReviews = List.copyOf(accessReviews);
    connectorDiscoveries = List.copyOf(connectorDiscoveries);
    registryObservations = List.copyOf(registryObservations);
    collectionErrors = List.copyOf(collectionErrors);
  }

  public static Builder builder(Instant capturedAt, Source source) {
    return new Builder(capturedAt, source);
  }

  /** This snapshot plus what Airbyte's API said about custom connectors. */
  public Snapshot withConnectorDiscovery(ConnectorDiscovery discovery) {
    return copy().connectorDiscovery(discovery).build();
  }

  // The compact constructor makes every list an IndexedList: lookups are map reads.
  public Optional<SecretInfo> secret(String namespace, String name) {
    return ((IndexedList<SecretInfo>) secrets).named(namespace, name);
  }

  public List<SecretInfo> secretsIn(String namespace) {
    return ((IndexedList<SecretInfo>) secrets).inNamespace(namespace);
  }

  public Optional<ConfigMap> configMap(String namespace, String name) {
    return ((IndexedList<ConfigMap>) configMaps).named(namespace, name);
  }

  public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
    return ((IndexedList<ServiceAccount>) serviceAccounts).named(namespace, name);
  }

  /** What the registry probe observed for {@code image} (an effective image), if it ran. */
  public Optional<RegistryObservation> registryObservation(String image) {
    return registryObservations.stream().filter(o -> o.image().equals(image)).findFirst();
  }

  /** This snapshot with the registry probe's observations added (the probe runs after reading). */
  public Snapshot withRegistryObservations(List<RegistryObservation> observations) {
    Builder copy = copy();
    observations.forEach(copy::registryObservation);
    return copy.build();
  }

  /** A builder holding what this snapshot holds, in its order, to build it again with more. */
  private Builder copy() {
    Builder copy =
        builder(capturedAt, source)
            .addAll(deployments)
            .addAll(pods)
            .addAll(events)
            .addAll(configMaps)
            .addAll(serviceAccounts)
            .addAll(nodes)
            .addAll(roles)
            .addAll(roleBindings)
            .addAll(clusterRoles)
            .addAll(clusterRoleBindings)
            .addAll(networkPolicies);
    secrets.forEach(copy::secret);
    helmReleases.forEach(copy::helmRelease);
    accessReviews.forEach(copy::accessReview);
    connectorDiscoveries.forEach(copy::connectorDiscovery);
    registryObservations.forEach(copy::registryObservation);
    collectionErrors.forEach(copy::collectionError);
    return copy;
  }

  /**
   * The record of Helm release {@code name} in {@code namespace}: the newest deployed revision,
   * else the newest one read.
   */
  public Optional<HelmRelease> helmRelease(String namespace, String name) {
    return helmReleases.stream()
        .filter(r -> r.namespace().equals(namespace) && r.name().equals(name))
        .findFirst();
  }

  /**
   * One record per release: the newest deployed revision, else the newest, by namespace and name.
   */
  private static List<HelmRelease> newestPerRelease(List<HelmRelease> releases) {
    Comparator<HelmRelease> preference =
        Comparator.comparing((HelmRelease r) -> r.status().equals("deployed"))
            .thenComparingInt(HelmRelease::revision);
    return releases.stream()
        .collect(
            java.util.stream.Collectors.toMap(
                r -> r.namespace() + "/" + r.name(),
                r -> r,
                (a, b) -> preference.compare(a, b) >= 0 ? a : b,
                java.util.TreeMap::new))
        .values()
        .stream()
        .toList();
  }

  /** The failed read of {@code kind} in {@code namespace} (or cluster-wide), if any. */
  public Optional<CollectionError> collectionError(ResourceKind kind, String namespace) {
    return collectionError(kind.resource(), namespace);
  }

  /** The failed read of {@code resource} in {@code namespace} (or cluster-wide), if any. */
  public Optional<CollectionError> collectionError(String resource, String namespace) {
    return collectionErrors.stream()
        .filter(e -> e.resource().equals(resource))
        .filter(e -> e.namespace() == null || e.namespace().equals(namespace))
        .findFirst();
  }

  /** The objects in {@code namespace}; for a snapshot's own lists, without a scan. */
  public static <T extends HasMetadata> List<T> inNamespace(List<T> objects, String namespace) {
    if (objects instanceof IndexedList<T> indexed) {
      return indexed.inNamespace(namespace);
    }
    return objects.stream().filter(o -> namespace.equals(o.getMetadata().getNamespace())).toList();
  }

  private static <T extends HasMetadata> List<T> sorted(List<T> objects) {
    return byNamespace(
        objects.stream()
            .sorted(
                Comparator.comparing(
                        (T o) -> Objects.requireNonNullElse(o.getMetadata().getNamespace(), ""))
                    .thenComparing(o -> Objects.requireNonNullElse(o.getMetadata().getName(), "")))
            .toList());
  }

  private static <T extends HasMetadata> List<T> byNamespace(List<T> objects) {
    return IndexedList.of(
        objects,
        o -> o.getMetadata() == null ? null : o.getMetadata().getNamespace(),
        o -> o.getMetadata() == null ? null : o.getMetadata().getName());
  }

  /** Collects objects of any supported kind; unknown kinds are ignored. */
  public static final class Builder {
    private final Instant capturedAt;
    private final Source source;
    private final List<Deployment> deployments = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<ConfigMap> configMaps = new ArrayList<>();
    private final List<ServiceAccount> serviceAccounts = new ArrayList<>();
    private final List<SecretInfo> secrets = new ArrayList<>();
    private final List<HelmRelease> helmReleases = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();
    private final List<RoleBinding> roleBindings = new ArrayList<>();
    private final List<ClusterRole> clusterRoles = new ArrayList<>();
    private final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>();
    private final List<NetworkPolicy> networkPolicies = new ArrayList<>();
    private final List<AccessReview> accessReviews = new ArrayList<>();
    private final List<ConnectorDiscovery> connectorDiscoveries = new ArrayList<>();
    private final List<RegistryObservation> registryObservations = new ArrayList<>();
    private final List<CollectionError> collectionErrors = new ArrayList<>();

    private Builder(Instant capturedAt, Source source) {
      this.capturedAt = capturedAt;
      this.source = source;
    }

    /**
     * Adds one object. Secrets are reduced to {@link SecretInfo} at once, so no secret value
     * outlives this call. Returns false for kinds pulldoctor does not read.
     */
    public boolean add(HasMetadata object) {
      if (object instanceof Deployment d) {
        deployments.add(d);
      } else if (object instanceof Pod p) {
        pods.add(p);
      } else if (object instanceof Event e) {
        events.add(e);
      } else if (object instanceof ConfigMap c) {
        configMaps.add(c);
      } else if (object instanceof ServiceAccount s) {
        serviceAccounts.add(s);
      } else if (object instanceof Secret s) {
        if (HelmReleaseDecoder.isReleaseRecord(s)) {
          helmReleases.add(HelmReleaseDecoder.decode(s));
        }
        secrets.add(SecretInfo.from(s));
      } else if (object instanceof Node n) {
        nodes.add(n);
      } else if (object instanceof Role r) {
        roles.add(r);
      } else if (object instanceof RoleBinding b) {
        roleBindings.add(b);
      } else if (object instanceof ClusterRole r) {
        clusterRoles.add(r);
      } else if (object instanceof ClusterRoleBinding b) {
        clusterRoleBindings.add(b);
      } else if (object instanceof NetworkPolicy p) {
        networkPolicies.add(p);
      } else {
        return false;
      }
      return true;
    }

    public Builder addAll(List<? extends HasMetadata> objects) {
      objects.forEach(this::add);
      return this;
    }

    public Builder secret(SecretInfo secret) {
      secrets.add(secret);
      return this;
    }

    public Builder helmRelease(HelmRelease release) {
      helmReleases.add(release);
      return this;
    }

    public Builder accessReview(AccessReview review) {
      accessReviews.add(review);
      return this;
    }

    public Builder connectorDiscovery(ConnectorDiscovery discovery) {
      connectorDiscoveries.add(discovery);
      return this;
    }

    public Builder registryObservation(RegistryObservation observation) {
      registryObservations.add(observation);
      return this;
    }

    public Builder collectionError(CollectionError error) {
      collectionErrors.add(error);
      return this;
    }

    public Snapshot build() {
      return new Snapshot(
          capturedAt,
          source,
          deployments,
          pods,
          events,
          configMaps,
          serviceAccounts,
          secrets,
          helmReleases,
          nodes,
          roles,
          roleBindings,
          clusterRoles,
          clusterRoleBindings,
          networkPolicies,
          accessReviews,
          connectorDiscoveries,
          registryObservations,
          collectionErrors);
    }
  }
}
