package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An informer's store that keeps each object as its {@link Keeping} keeps it (cut to what the rules
 * read, or as a small record), and no more than {@code capacity} objects: past that, new objects
 * are refused until deletions make room. The informer still sees every change; only what is kept
 * between runs is bounded. Objects are made again each time they are read.
 *
 * @param <K> what is kept of one object
 */
public final class PrunedStore<T extends HasMetadata, K> implements ItemStore<T> {
  private final ConcurrentHashMap<String, K> kept = new ConcurrentHashMap<>();
  private final Keeping<T, K> keeping;
  private final int capacity;

  private PrunedStore(Keeping<T, K> keeping, int capacity) {
    this.keeping = keeping;
    this.capacity = capacity;
  }

  /** A store that keeps objects as {@code keeping} does, at most {@code capacity} of them. */
  public static <T extends HasMetadata, K> PrunedStore<T, K> of(
      Keeping<T, K> keeping, int capacity) {
    return new PrunedStore<>(keeping, capacity);
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public @Nullable T put(String key, T object) {
    K kept = keeping.keep(object);
    if (kept == null) {
      return remove(key);
    }
    if (this.kept.size() >= capacity && !this.kept.containsKey(key)) {
      return null;
    }
    return restored(this.kept.put(key, kept));
  }

  @Override
  public @Nullable T remove(String key) {
    return restored(kept.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return kept.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return kept.values().stream().map(keeping::restore);
  }

  @Override
  public int size() {
    return kept.size();
  }

  @Override
  public @Nullable T get(String key) {
    return restored(kept.get(key));
  }

  private @Nullable T restored(@Nullable K value) {
    return value == null ? null : keeping.restore(value);
  }
}
