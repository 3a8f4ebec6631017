package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.rbac.JobLauncherAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The access reviews of the last run, kept by a daemon so that an idle cluster is not asked the
 * same questions every run: the answers are used again while the question (the launcher's accounts,
 * their permissions, the job namespace) and the RBAC objects that decide it (every Role and
 * RoleBinding of the collected namespaces, every ClusterRole and ClusterRoleBinding, the asking
 * ServiceAccounts, by name and resourceVersion) are the same, and for at most {@code maxAge}: the
 * API server may also answer from authorizers that leave no object to watch (webhooks, cloud IAM
 * mappings), so an answer is never trusted for longer than that.
 *
 * <p>Only complete answers are kept: a run whose reviews failed, or that could not read one of the
 * RBAC kinds, asks again next time.
 */
public final class AccessReviewCache {
  /** No cache: every collection asks (the one-shot commands). */
  public static final AccessReviewCache NONE =
      new AccessReviewCache(Duration.ZERO, Clock.systemUTC());

  private final Duration maxAge;
  private final Clock clock;
  private @Nullable Entry last;

  private record Entry(String question, Instant askedAt, List<AccessReview> answers) {}

  /**
   * A cache.
   *
   * @param maxAge how long an answer may be used again; zero to keep none
   */
  public AccessReviewCache(Duration maxAge, Clock clock) {
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
    }
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The kept answers to {@code question}, while they are young enough to use again. */
  synchronized Optional<List<AccessReview>> answers(String question) {
    Entry entry = last;
    if (entry == null || !entry.question().equals(question)) {
      return Optional.empty();
    }
    Duration age = Duration.between(entry.askedAt(), clock.instant());
    return age.compareTo(maxAge) < 0 ? Optional.of(entry.answers()) : Optional.empty();
  }

  /** Keeps the complete answers to {@code question}, asked now. */
  synchronized void keep(String question, List<AccessReview> answers) {
    if (maxAge.isZero()) {
      return;
    }
    last = new Entry(question, clock.instant(), List.copyOf(answers));
  }

  /**
   * What decides the answers of a run: the requirements of the install and the name and
   * resourceVersion of every RBAC object and asking account read; null when one of the RBAC kinds
   * could not be read, since a change there would go unseen.
   */
  static @Nullable String question(AirbyteInstall install, Snapshot read) {
    for (String kind : List.of("roles", "rolebindings", "clusterroles", "clusterrolebindings")) {
      if (read.collectionErrors().stream().anyMatch(e -> e.resource().equals(kind))) {
        return null;
      }
    }
    List<String> parts = new ArrayList<>();
    parts.add("job namespace " + install.jobNamespace());
    for (JobLauncherAccess.Requirement requirement : JobLauncherAccess.requirements(install)) {
      parts.add(requirement.account().username() + " " + requirement.permissions());
      read.serviceAccount(requirement.account().namespace(), requirement.account().name())
          .ifPresent(sa -> parts.add(version(sa)));
    }
    Stream.of(read.roles(), read.roleBindings(), read.clusterRoles(), read.clusterRoleBindings())
        .flatMap(List::stream)
        .map(AccessReviewCache::version)
        .forEach(parts::add);
    return String.join("\n", parts);
  }

  private static String version(HasMetadata object) {
    return object.getKind()
        + " "
        + object.getMetadata().getNamespace()
        + "/"
        + object.getMetadata().getName()
        + " @"
        + object.getMetadata().getResourceVersion();
  }
}
