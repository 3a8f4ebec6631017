package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.helm.HelmRelease;
import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import dev.pulldoctor.rules.model.ReducedSecrets;
import dev.pulldoctor.rules.model.SecretInfo;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An informer's store of Secrets that keeps none: each Secret is reduced on arrival to its {@link
 * SecretInfo} (a pull secret's parsed view, never a value) and, for a Helm release record, the
 * allow-listed values decoded from it; the informer itself is handed a stub with the name, type,
 * labels and resourceVersion. A Secret {@code accepts} refuses (a server that ignored the field
 * selector sent it) is not kept at all.
 */
public final class SecretStore implements ItemStore<Secret> {
  private final Predicate<Secret> accepts;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** A store of the Secrets {@code accepts} admits, e.g. those of one type. */
  public SecretStore(Predicate<Secret> accepts) {
    this.accepts = accepts;
  }

  /** What one Secret left behind. */
  private record Kept(
      Secret stub,
      SecretInfo info,
      @Nullable HelmRelease release,
      String releaseKey,
      boolean deployed,
      int revision) {}

  @Override
  public String getKey(Secret secret) {
    return Cache.metaNamespaceKeyFunc(secret);
  }

  @Override
  public @Nullable Secret put(String key, Secret secret) {
    if (!accepts.test(secret)) {
      return remove(key);
    }
    ReducedSecrets reduced = ReducedSecrets.of(List.of(secret));
    Map<String, String> labels =
        Objects.requireNonNullElse(secret.getMetadata().getLabels(), Map.of());
    Secret stub =
        new SecretBuilder()
            .withType(secret.getType())
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(secret.getMetadata().getName())
                    .withNamespace(secret.getMetadata().getNamespace())
                    .withResourceVersion(secret.getMetadata().getResourceVersion())
                    .withLabels(labels)
                    .build())
            .build();
    Kept now =
        new Kept(
            stub,
            reduced.secrets().get(0),
            reduced.helmReleases().isEmpty() ? null : reduced.helmReleases().get(0),
            Objects.requireNonNullElse(secret.getMetadata().getNamespace(), "")
                + "/"
                + labels.getOrDefault("name", ""),
            "deployed".equals(labels.get("status")),
            HelmReleaseDecoder.revision(labels.get("version"), secret.getMetadata().getName()));
    Kept before = kept.put(key, now);
    return before == null ? null : before.stub();
  }

  @Override
  public @Nullable Secret remove(String key) {
    Kept before = kept.remove(key);
    return before == null ? null : before.stub();
  }

  @Override
  public Stream<String> keySet() {
    return kept.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return kept.values().stream().map(Kept::stub);
  }

  @Override
  public int size() {
    return kept.size();
  }

  @Override
  public @Nullable Secret get(String key) {
    Kept found = kept.get(key);
    return found == null ? null : found.stub();
  }

  /**
   * What the stores hold, as a LIST's {@link ReducedSecrets#of} would make it: every Secret's view
   * by name, and of each Helm release the newest deployed record (else the newest).
   */
  public static ReducedSecrets reduced(List<SecretStore> stores) {
    List<Kept> all = new ArrayList<>();
    stores.forEach(store -> all.addAll(store.kept.values()));
    Map<String, SecretInfo> byName = new LinkedHashMap<>();
    all.stream()
        .sorted(Comparator.comparing((Kept k) -> k.info().name()))
        .forEach(k -> byName.putIfAbsent(k.info().name(), k.info()));
    Comparator<Kept> preference =
        Comparator.comparing(Kept::deployed).thenComparingInt(Kept::revision);
    Map<String, Kept> newest = new LinkedHashMap<>();
    all.stream()
        .filter(k -> k.release() != null)
        .sorted(Comparator.comparing((Kept k) -> k.info().name()))
        .forEach(
            k -> newest.merge(k.releaseKey(), k, (a, b) -> preference.compare(a, b) >= 0 ? a : b));
    List<HelmRelease> releases =
        newest.values().stream().map(k -> Objects.requireNonNull(k.release())).toList();
    return new ReducedSecrets(List.copyOf(byName.values()), releases);
  }
}
