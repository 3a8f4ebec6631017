package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An informer's store that keeps each object as {@link Pruning} cuts it, and no more than {@code
 * capacity} objects: past that, new objects are refused (counted) until deletions make room. The
 * informer still sees every change; only what is kept between runs is bounded.
 */
public final class PrunedStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<@Nullable T> prune;
  private final int capacity;
  private final AtomicLong refused = new AtomicLong();

  public PrunedStore(UnaryOperator<@Nullable T> prune, int capacity) {
    super(Cache::metaNamespaceKeyFunc);
    this.prune = prune;
    this.capacity = capacity;
  }

  @Override
  public @Nullable T put(String key, T object) {
    T kept = prune.apply(object);
    if (kept == null) {
      return remove(key);
    }
    if (size() >= capacity && get(key) == null) {
      refused.incrementAndGet();
      return null;
    }
    return super.put(key, kept);
  }

  /** How many objects were not kept for want of room. */
  public long refused() {
    return refused.get();
  }
}
