package dev.pulldoctor.agent.serve;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns one informer's notifications into changes for the daemon. The informer calls one handler
 * from one thread at a time, in order: {@code onBeforeList}, the list's adds and updates, {@code
 * onList}.
 */
final class ChangeHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
  private final String kind;
  private final Relevance<T> relevance;
  private final Predicate<T> kept;
  private final Supplier<@Nullable WatchTargets> targets;
  private final Consumer<String> onChange;
  private final AtomicLong heard;
  private boolean listing;
  private boolean listedOnce;

  ChangeHandler(
      String kind,
      Relevance<T> relevance,
      Predicate<T> kept,
      Supplier<@Nullable WatchTargets> targets,
      Consumer<String> onChange,
      AtomicLong heard) {
    this.kind = kind;
    this.relevance = relevance;
    this.kept = kept;
    this.targets = targets;
    this.onChange = onChange;
    this.heard = heard;
  }

  @Override
  public void onBeforeList(String resourceVersion) {
    listing = true;
    heard.set(System.nanoTime());
  }

  @Override
  public void onList(String resourceVersion, boolean empty) {
    listing = false;
    listedOnce = true;
    heard.set(System.nanoTime());
  }

  @Override
  public void onAdd(T object) {
    heard.set(System.nanoTime());
    // The first list adds what existed when the last run read the cluster: not news. A later
    // re-list (after the watch fell behind) adds only what is new since.
    if (!(listing && !listedOnce) && keptAndRelevant(object)) {
      onChange.accept(describe(object) + " created");
    }
  }

  @Override
  public void onUpdate(T before, T after) {
    heard.set(System.nanoTime());
    if (!Objects.equals(
            before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
        && keptAndRelevant(after)) {
      onChange.accept(describe(after) + " changed");
    }
  }

  @Override
  public void onDelete(T object, boolean finalStateUnknown) {
    heard.set(System.nanoTime());
    if (relevance.deletesMatter() && relevance.changes().test(targets.get(), object)) {
      onChange.accept(describe(object) + " deleted");
    }
  }

  /** Whether the daemon keeps {@code object} and a change to it can change the findings. */
  private boolean keptAndRelevant(T object) {
    return kept.test(object) && relevance.changes().test(targets.get(), object);
  }

  /** E.g. {@code Secret airbyte/regcred}: names only, never an object's content. */
  private String describe(T object) {
    String namespace = object.getMetadata().getNamespace();
    return kind + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
  }
}
