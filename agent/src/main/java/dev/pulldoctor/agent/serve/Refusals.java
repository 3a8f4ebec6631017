package dev.pulldoctor.agent.serve;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;

/** What an informer's failure says about the API server's answer. */
final class Refusals {
  private Refusals() {}

  /** Whether the API server answered 403 Forbidden, however the informer wraps the answer. */
  static boolean isForbidden(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 10; depth++) {
      if (cause instanceof KubernetesClientException refusal && refusal.getCode() == 403) {
        return true;
      }
      if (cause instanceof WatcherException watcher
          && watcher.asClientException().getCode() == 403) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }
}
