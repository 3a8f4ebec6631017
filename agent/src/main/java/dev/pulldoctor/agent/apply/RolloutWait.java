package dev.pulldoctor.agent.apply;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Waits, as {@code kubectl rollout status} does, until every patched Deployment has rolled out (the
 * controller saw the new generation and every replica is updated and available), so the diagnosis
 * after {@code fix --apply} sees the new launcher pods, not the old ones on their way out. Gives up
 * quietly at the limit: the diagnosis then says which pods are stale.
 */
public final class RolloutWait {
  private static final Duration POLL = Duration.ofSeconds(2);
  private final KubernetesClient client;
  private final Clock clock;

  public RolloutWait(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void await(List<ClusterChange> changes, Duration limit, Consumer<String> progress) {
    if (limit.isZero()) {
      return;
    }
    Instant deadline = clock.instant().plus(limit);
    for (ClusterChange change : changes) {
      if (change instanceof ClusterChange.Patch patch && patch.kind().equals("Deployment")) {
        progress.accept("waiting for " + change.object() + " to roll out");
        while (!rolledOut(patch) && clock.instant().isBefore(deadline)) {
          try {
            Thread.sleep(POLL.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private boolean rolledOut(ClusterChange.Patch patch) {
    Deployment deployment;
    try {
      deployment =
          client.apps().deployments().inNamespace(patch.namespace()).withName(patch.name()).get();
    } catch (KubernetesClientException e) {
      return true;
    }
    if (deployment == null || deployment.getStatus() == null) {
      return deployment == null;
    }
    DeploymentStatus status = deployment.getStatus();
    int replicas =
        deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
            ? 1
            : deployment.getSpec().getReplicas();
    return status.getObservedGeneration() != null
        && status.getObservedGeneration()
            >= Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L)
        && Objects.requireNonNullElse(status.getUpdatedReplicas(), 0) >= replicas
        && Objects.requireNonNullElse(status.getUnavailableReplicas(), 0) == 0;
  }
}
