package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LIST running in the collector's pool; {@link #take} waits for it on the collecting thread and
 * turns a refusal into a {@link CollectionError}, an unreachable API or rejected credentials into
 * {@link ClusterUnreachableException}.
 */
final class Listing<T> {
  // The collector's logger: its lines read as they did before this class was split out.
  private static final Logger logger = LoggerFactory.getLogger(ClusterCollector.class);

  private final String resource;
  private final String group;
  private final @Nullable String namespace;
  private final Future<List<T>> items;
  private final String masterUrl;

  Listing(
      String resource,
      String group,
      @Nullable String namespace,
      Future<List<T>> items,
      String masterUrl) {
    this.resource = resource;
    this.group = group;
    this.namespace = namespace;
    this.items = items;
    this.masterUrl = masterUrl;
  }

  /**
   * The listed objects, or none with a {@link CollectionError} in {@code builder} when the kind
   * could not be read.
   */
  List<T> take(Snapshot.Builder builder) throws ClusterUnreachableException {
    return take(builder, null);
  }

  /**
   * As {@link #take(Snapshot.Builder)}, but a 403 is answered by {@code whenForbidden}, which reads
   * the kind another way and records its own failures in {@code builder}.
   */
  List<T> take(Snapshot.Builder builder, @Nullable Supplier<List<T>> whenForbidden)
      throws ClusterUnreachableException {
    try {
      List<T> listed = await(items);
      logger.debug(
          "listed {} {} {}",
          listed.size(),
          resource,
          namespace == null ? "cluster-wide" : "in namespace " + namespace);
      return listed;
    } catch (KubernetesClientException e) {
      failIfUnreachable(e, masterUrl);
      if (e.getCode() == 403 && whenForbidden != null) {
        logger.info(
            "may not list {} in namespace {}; reading the ones Airbyte names instead",
            resource,
            namespace);
        return whenForbidden.get();
      }
      CollectionError error =
          new CollectionError(resource, group, namespace, "list", e.getCode(), reason(e));
      logger.warn("{}", error.describe());
      builder.collectionError(error);
      return List.of();
    }
  }

  /** The task's result; what it threw, thrown here, on the collecting thread. */
  static <T> T await(Future<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KubernetesClientException.launderThrowable(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("a LIST failed", e.getCause());
    }
  }

  /** Throws when {@code e} means no API at all (no answer, or credentials rejected). */
  static void failIfUnreachable(KubernetesClientException e, String masterUrl)
      throws ClusterUnreachableException {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof OutOfMemoryError outOfMemory) {
        // The client wraps what its reading thread hit: this is no connection failure.
        throw outOfMemory;
      }
    }
    if (e.getCode() <= 0) {
      throw new ClusterUnreachableException(
          "cannot reach the Kubernetes API at " + masterUrl + ": " + ConnectionFailure.describe(e));
    }
    if (e.getCode() == 401) {
      throw new ClusterUnreachableException(
          "the Kubernetes API rejected the credentials of this context (401 Unauthorized);"
              + " log in again or refresh the kubeconfig");
    }
  }

  private static String reason(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      default -> "HTTP " + e.getCode();
    };
  }
}
