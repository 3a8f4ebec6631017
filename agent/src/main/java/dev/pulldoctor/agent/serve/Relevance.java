package dev.pulldoctor.agent.serve;

import dev.pulldoctor.agent.collect.EventReducer;
import dev.pulldoctor.agent.collect.Kind;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Which changes of a watched kind can change the report, and so ask for a run at once. The others
 * (pods, nodes, the Airbyte namespace's other objects) are still kept, and read by the next
 * periodic run.
 *
 * @param changes whether a created or changed object matters, given what the last report named
 *     (null before the first report)
 * @param deletesMatter whether its deletion matters (not for events: they expire after an hour)
 */
record Relevance<T extends HasMetadata>(
    BiPredicate<@Nullable WatchTargets, T> changes, boolean deletesMatter) {

  static <T extends HasMetadata> Relevance<T> always() {
    return new Relevance<>((targets, object) -> true, true);
  }

  private static <T extends HasMetadata> Relevance<T> never() {
    return new Relevance<>((targets, object) -> false, false);
  }

  /** A Secret watched by type matters when it is one of the names job pods get. */
  static <T extends HasMetadata> Relevance<T> namedSecret() {
    return new Relevance<>(
        (targets, secret) -> targets != null && targets.secrets().contains(name(secret)), true);
  }

  static <T extends HasMetadata> Relevance<T> of(Kind<T> kind, @Nullable String namespace) {
    if (kind.equals(Kind.DEPLOYMENTS)) {
      // Before a launcher is known, any deployment may be the one that makes an install.
      return new Relevance<>(
          (targets, d) ->
              targets == null || targets.launcher() == null || name(d).equals(targets.launcher()),
          true);
    }
    if (kind.equals(Kind.CONFIG_MAPS)) {
      return new Relevance<>(
          (targets, c) -> targets != null && name(c).equals(targets.envConfigMap()), true);
    }
    if (kind.equals(Kind.SERVICE_ACCOUNTS)) {
      return new Relevance<>(
          (targets, a) ->
              targets != null
                  && targets.jobNamespace().equals(namespace)
                  && name(a).equals(targets.serviceAccount()),
          true);
    }
    if (kind.equals(Kind.ROLES)
        || kind.equals(Kind.ROLE_BINDINGS)
        || kind.equals(Kind.NETWORK_POLICIES)) {
      // The launcher's permissions and the job pods' egress: rbac.job-launcher's access reviews
      // are asked again when RBAC changed (AccessReviewCache).
      return new Relevance<>(
          (targets, o) -> targets != null && targets.jobNamespace().equals(namespace), true);
    }
    if (kind.equals(Kind.CLUSTER_ROLES) || kind.equals(Kind.CLUSTER_ROLE_BINDINGS)) {
      return always();
    }
    if (kind.equals(Kind.EVENTS)) {
      return new Relevance<>((targets, e) -> isJobPodImageEvent((Event) e), false);
    }
    return never();
  }

  private static boolean isJobPodImageEvent(Event event) {
    return EventReducer.canMatter(event)
        && ImageInventory.looksLikeJobPodName(event.getInvolvedObject().getName());
  }

  private static String name(HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getName(), "");
  }
}
