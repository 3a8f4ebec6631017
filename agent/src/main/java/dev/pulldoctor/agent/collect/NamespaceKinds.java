package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.ReducedSecrets;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaced kinds of one namespace (the Airbyte namespace, or the job namespace), listed in
 * the collector's pool or taken from a cache, added to the snapshot in a fixed order by {@link
 * #take}.
 */
record NamespaceKinds(
    KubernetesClient client,
    String namespace,
    Listing<Pod> pods,
    Listing<Event> events,
    Listing<ServiceAccount> serviceAccounts,
    Listing<SecretListing.Listed> secrets,
    Listing<Role> roles,
    Listing<RoleBinding> roleBindings,
    Listing<NetworkPolicy> networkPolicies) {
  // The collector's logger: its lines read as they did before this record was split out.
  private static final Logger logger = LoggerFactory.getLogger(ClusterCollector.class);

  void take(Snapshot.Builder builder, AirbyteInstall install) throws ClusterUnreachableException {
    builder.addAll(pods.take(builder));
    builder.addAll(events.take(builder));
    List<ServiceAccount> accounts = serviceAccounts.take(builder);
    builder.addAll(accounts);
    // An identity that may read only some Secrets (RBAC resourceNames, the Helm chart's
    // rbac.secrets.mode=names) cannot list them: it gets the ones Airbyte names, one by one.
    // One listing of the whole namespace (a list of one, or none when the kind is unreadable).
    List<String> referenced = NamedSecrets.referenced(install, accounts, namespace);
    List<SecretListing.Listed> listed =
        secrets.take(
            builder,
            () ->
                List.of(
                    new SecretListing.Listed(
                        new ReducedSecrets(
                            NamedSecrets.read(client, builder, namespace, referenced), List.of()),
                        Set.of())));
    List<ReducedSecrets> reduced =
        listed.stream().map(l -> withNamedData(l, builder, referenced)).toList();
    List<SecretInfo> secretInfos = reduced.stream().flatMap(r -> r.secrets().stream()).toList();
    reduced.stream().flatMap(r -> r.helmReleases().stream()).forEach(builder::helmRelease);
    builder.addAll(roles.take(builder));
    builder.addAll(roleBindings.take(builder));
    builder.addAll(networkPolicies.take(builder));
    secretInfos.forEach(builder::secret);
    logger.debug(
        "read {} secrets in namespace {} (kept as redacted views)", secretInfos.size(), namespace);
  }

  /**
   * The listing, with the Secrets Airbyte names as pull secrets read by name where the listing knew
   * them by metadata alone (a pull secret of the wrong type): the rules say what its type and keys
   * are.
   */
  private ReducedSecrets withNamedData(
      SecretListing.Listed listed, Snapshot.Builder builder, List<String> referenced) {
    List<String> toRead = referenced.stream().filter(listed::mustReadByName).toList();
    if (toRead.isEmpty()) {
      return listed.reduced();
    }
    // Replaces what was known by metadata alone; adds what a cache did not know of.
    Map<String, SecretInfo> byName = new TreeMap<>();
    listed.reduced().secrets().forEach(s -> byName.put(s.name(), s));
    NamedSecrets.read(client, builder, namespace, toRead).forEach(s -> byName.put(s.name(), s));
    return new ReducedSecrets(List.copyOf(byName.values()), listed.reduced().helmReleases());
  }
}
