package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.EventReducer;
import dev.pulldoctor.agent.collect.Kind;
import dev.pulldoctor.agent.collect.Pages;
import dev.pulldoctor.agent.collect.PrunedStore;
import dev.pulldoctor.agent.collect.Pruning;
import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jspecify.annotations.Nullable;

/**
 * The informers of the {@link ChangeWatcher}, not started: without resync, and listing in the
 * collector's pages ({@link Pages}), so the first list (and every relist) of a namespace flooded
 * with large events is read page by page, never as one answer.
 */
final class Informers {
  private Informers() {}

  static <T extends HasMetadata> SharedIndexInformer<T> of(
      KubernetesClient client, Kind<T> kind, @Nullable String namespace) {
    long page = kind.equals(Kind.EVENTS) ? Pages.EVENT_PAGE : Pages.PAGE;
    Informable<T> source =
        namespace == null
            ? client.resources(kind.type()).withLimit(page)
            : client.resources(kind.type()).inNamespace(namespace).withLimit(page);
    return source.runnableInformer(0);
  }

  /**
   * The store of one kind: pruned on arrival; events bounded in number as {@link EventReducer}
   * bounds them (the runs apply its per-pod bound).
   */
  static <T extends HasMetadata> PrunedStore<T, ?> prunedStore(Kind<T> kind) {
    return PrunedStore.of(
        Pruning.of(kind), kind.equals(Kind.EVENTS) ? EventReducer.MAX_EVENTS : Integer.MAX_VALUE);
  }

  /** The Secrets of one type, or the one Secret {@code name}, of a namespace. */
  static SharedIndexInformer<Secret> secrets(
      KubernetesClient client, String namespace, @Nullable String type, @Nullable String name) {
    var secrets = client.secrets().inNamespace(namespace);
    Informable<Secret> source;
    if (name != null) {
      source = secrets.withField("metadata.name", name).withLimit(Pages.PAGE);
    } else if (HelmReleaseDecoder.SECRET_TYPE.equals(type)) {
      source = secrets.withField("type", type).withLabel("owner", "helm").withLimit(Pages.PAGE);
    } else {
      source = secrets.withField("type", type).withLimit(Pages.PAGE);
    }
    return source.runnableInformer(0);
  }
}
