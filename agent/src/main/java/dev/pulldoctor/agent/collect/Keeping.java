package dev.pulldoctor.agent.collect;

import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How a long-lived cache keeps objects of one kind: {@link #keep} turns an object that just arrived
 * into what is kept ({@code K}), {@link #restore} turns that back into the object the rules read.
 * Thousands of job pods and events are kept as small records of the fields the rules read, and made
 * objects again only while a run reads them: a fabric8 object carries an empty map and empty lists
 * for every field it could have, which cost more than the values themselves.
 *
 * @param <T> the kind's class
 * @param <K> what the cache holds of one object
 */
public interface Keeping<T, K> {
  /** What to keep of {@code object}; null when no rule reads it, so nothing is kept. */
  @Nullable K keep(T object);

  /** The object the rules read, made again from what was kept. */
  T restore(K kept);

  /** Keeps the object itself, as {@code prune} cuts it (in place or as a new object). */
  static <T> Keeping<T, T> asObjects(UnaryOperator<@Nullable T> prune) {
    return new Keeping<>() {
      @Override
      public @Nullable T keep(T object) {
        return prune.apply(object);
      }

      @Override
      public T restore(T kept) {
        return kept;
      }
    };
  }
}
