package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.model.ReducedSecrets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a long-lived reader (the daemon's informers) already holds of the cluster, so that a
 * collection takes it instead of listing the kind again. A kind is answered only while its cache is
 * complete and current: listed once and watching. Otherwise the collector lists it, as the one-shot
 * commands do, so a refused or broken watch never hides a change.
 */
public interface CachedKinds {
  /** Holds nothing: every kind is listed. */
  CachedKinds NONE =
      new CachedKinds() {
        @Override
        public <T extends HasMetadata> Optional<List<T>> objects(
            Kind<T> kind, @Nullable String namespace) {
          return Optional.empty();
        }

        @Override
        public Optional<Secrets> secrets(String namespace) {
          return Optional.empty();
        }
      };

  /**
   * The cached objects of {@code kind} in {@code namespace} (null for cluster-scoped kinds), in the
   * API server's LIST order (by name), or empty when the cache cannot answer.
   */
  <T extends HasMetadata> Optional<List<T>> objects(Kind<T> kind, @Nullable String namespace);

  /**
   * Before a run of {@code namespace}: makes the cache hold that namespace's kinds if it holds
   * nothing yet, then waits, at most {@code max}, while first lists are being read, so the run
   * takes the objects from memory instead of listing them whole beside the cache. Returns at once
   * when no first list is under way. The {@link #NONE} cache holds nothing and never waits.
   */
  default void awaitFirstLists(String namespace, Duration max) throws InterruptedException {}

  /** The cached pull secrets and Helm release records of {@code namespace}, or empty. */
  Optional<Secrets> secrets(String namespace);

  /**
   * The Secrets a cache holds of one namespace: those of the pull-secret types and Helm's release
   * records (every one of them), and the Secrets watched by name, reduced on arrival.
   *
   * @param watchedByName the names watched one by one: a name among them that is not in {@code
   *     reduced} does not exist
   */
  record Secrets(ReducedSecrets reduced, Set<String> watchedByName) {
    public Secrets {
      watchedByName = Set.copyOf(watchedByName);
    }
  }
}
