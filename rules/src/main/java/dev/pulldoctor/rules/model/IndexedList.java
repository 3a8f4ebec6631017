package dev.pulldoctor.rules.model;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An immutable list of a snapshot's objects that also finds them by namespace and by name, through
 * maps built once when the snapshot is made. Rules look objects up for every image and event; with
 * thousands of pods and events, scanning the list each time made a run quadratic.
 */
final class IndexedList<T> extends AbstractList<T> implements RandomAccess {
  private final List<T> items;
  private final Map<String, List<T>> byNamespace;
  private final Map<String, Map<String, T>> byName;

  private IndexedList(
      List<T> items, Function<T, @Nullable String> namespace, Function<T, @Nullable String> name) {
    this.items = List.copyOf(items);
    Map<String, List<T>> grouped = new HashMap<>();
    Map<String, Map<String, T>> named = new HashMap<>();
    for (T item : this.items) {
      String ns = namespace.apply(item);
      if (ns == null) {
        continue;
      }
      grouped.computeIfAbsent(ns, k -> new ArrayList<>()).add(item);
      String itemName = name.apply(item);
      if (itemName != null) {
        // The first of two objects with one name wins, as a scan of the list would find it.
        named.computeIfAbsent(ns, k -> new HashMap<>()).putIfAbsent(itemName, item);
      }
    }
    Map<String, List<T>> frozen = new HashMap<>();
    grouped.forEach((ns, list) -> frozen.put(ns, List.copyOf(list)));
    this.byNamespace = frozen;
    this.byName = named;
  }

  static <T> IndexedList<T> of(
      List<T> items, Function<T, @Nullable String> namespace, Function<T, @Nullable String> name) {
    return new IndexedList<>(items, namespace, name);
  }

  /** The objects in {@code namespace}, in list order. */
  List<T> inNamespace(String namespace) {
    return byNamespace.getOrDefault(namespace, List.of());
  }

  /** The object named {@code name} in {@code namespace}, if any. */
  Optional<T> named(String namespace, String name) {
    Map<String, T> names = byName.get(namespace);
    return names == null ? Optional.empty() : Optional.ofNullable(names.get(name));
  }

  @Override
  public T get(int index) {
    return items.get(index);
  }

  @Override
  public int size() {
    return items.size();
  }
}
