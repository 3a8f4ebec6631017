package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * LISTs in pages ({@code limit} and {@code continue}), so that no single response holds a whole
 * busy namespace: the API server answers {@value #PAGE} objects at a time ({@value #EVENT_PAGE} for
 * events, whose messages anyone may make large), and each page can be reduced and dropped before
 * the next one is read.
 */
public final class Pages {
  /** Objects per page. */
  public static final long PAGE = 500;

  /**
   * Events per page: an event can be as large as the API server's object limit (about 1.5 MiB), and
   * the client holds a page's bytes and their parse at once, so a page of 25 is at most about 75
   * MiB in the worst case (about 25 KiB in practice). At 100 a page of 1 MiB events ran a 256 MiB
   * heap out of memory.
   */
  public static final long EVENT_PAGE = 25;

  private Pages() {}

  /** Every object of the LIST, page by page. */
  static <T extends HasMetadata> List<T> all(
      Function<ListOptions, ? extends KubernetesResourceList<T>> list, long pageSize) {
    List<T> items = new ArrayList<>();
    each(list, pageSize, items::add);
    return items;
  }

  /** Gives each object of the LIST to {@code each} as its page arrives. */
  static <T extends HasMetadata> void each(
      Function<ListOptions, ? extends KubernetesResourceList<T>> list,
      long pageSize,
      Consumer<T> each) {
    @Nullable String next = null;
    do {
      KubernetesResourceList<T> page =
          list.apply(new ListOptionsBuilder().withLimit(pageSize).withContinue(next).build());
      page.getItems().forEach(each);
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
  }
}
