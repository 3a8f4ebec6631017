package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import dev.pulldoctor.rules.model.ReducedSecrets;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.WriteTimes;
import io.fabric8.kubernetes.api.model.PartialObjectMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Lists a namespace's Secrets reading the data of none but those whose data the rules need: every
 * Secret's name and write times come from a metadata-only LIST ({@code
 * as=PartialObjectMetadataList}, which carries no data), and data only from LISTs selected by type:
 * the two pull-secret types the kubelet reads ({@code kubernetes.io/dockerconfigjson}, {@code
 * kubernetes.io/dockercfg}: it ignores {@code .dockerconfigjson} in any other type) and Helm's
 * release records ({@code helm.sh/release.v1}, {@code owner=helm}), from which the chart's
 * allow-listed values are decoded. A database password in an {@code Opaque} Secret never leaves the
 * API server. The type is checked again here, because a server (or a test double) that ignores the
 * field selector must not make the collector keep what it did not ask for.
 *
 * <p>A Secret Airbyte names as a pull secret but of another type is read by name afterwards ({@link
 * NamedSecrets}), so the rules can say what its type and keys are.
 */
final class SecretListing {
  static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CFG = "kubernetes.io/dockercfg";

  private SecretListing() {}

  /**
   * The Secrets of a namespace and which of them were known by metadata alone.
   *
   * @param metadataOnly names of the Secrets whose data was not read
   * @param everyName whether every Secret of the namespace is in {@code reduced} (a LIST); false
   *     for a cache, which holds the pull-secret types and the names it watches one by one
   * @param watchedByName with a cache: the names it watches one by one, present or not
   */
  record Listed(
      ReducedSecrets reduced,
      Set<String> metadataOnly,
      boolean everyName,
      Set<String> watchedByName) {

    Listed(ReducedSecrets reduced, Set<String> metadataOnly) {
      this(reduced, metadataOnly, true, Set.of());
    }

    static Listed fromCache(CachedKinds.Secrets cached) {
      return new Listed(cached.reduced(), Set.of(), false, cached.watchedByName());
    }

    /**
     * Whether the Secret {@code name}, which Airbyte names, must be read by name: it is known by
     * its metadata alone, or the cache does not know whether it exists.
     */
    boolean mustReadByName(String name) {
      if (everyName) {
        return metadataOnly.contains(name);
      }
      return !watchedByName.contains(name)
          && reduced.secrets().stream().noneMatch(s -> s.name().equals(name));
    }
  }

  static Listed list(KubernetesClient client, String namespace) {
    List<PartialObjectMetadata> everyName =
        Pages.all(
            options -> client.secrets().inNamespace(namespace).listAsPartialObjectMetadata(options),
            Pages.PAGE);
    List<Secret> withData = new ArrayList<>();
    for (String type : List.of(DOCKER_CONFIG_JSON, DOCKER_CFG)) {
      each(client.secrets().inNamespace(namespace).withField("type", type), type, withData::add);
    }
    each(
        client
            .secrets()
            .inNamespace(namespace)
            .withField("type", HelmReleaseDecoder.SECRET_TYPE)
            .withLabel("owner", "helm"),
        HelmReleaseDecoder.SECRET_TYPE,
        withData::add);
    ReducedSecrets read = ReducedSecrets.of(withData);
    withData.clear();

    Set<String> readNames = new TreeSet<>();
    read.secrets().forEach(s -> readNames.add(s.name()));
    List<SecretInfo> secrets = new ArrayList<>(read.secrets());
    Set<String> metadataOnly = new TreeSet<>();
    for (PartialObjectMetadata object : everyName) {
      String name = object.getMetadata().getName();
      if (name != null && !readNames.contains(name) && metadataOnly.add(name)) {
        secrets.add(
            SecretInfo.metadataOnly(
                namespace,
                name,
                WriteTimes.created(object.getMetadata()),
                WriteTimes.lastWritten(object.getMetadata())));
      }
    }
    // In the API server's order (by name), whichever LIST a Secret came from.
    secrets.sort(Comparator.comparing(SecretInfo::name));
    return new Listed(new ReducedSecrets(secrets, read.helmReleases()), metadataOnly);
  }

  private static void each(
      FilterWatchListDeletable<Secret, SecretList, Resource<Secret>> selected,
      String type,
      Consumer<Secret> keep) {
    Pages.each(
        selected::list,
        Pages.PAGE,
        secret -> {
          if (type.equals(secret.getType())) {
            keep.accept(secret);
          }
        });
  }
}
