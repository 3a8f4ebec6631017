package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.rbac.JobLauncherAccess;
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the API server, one SubjectAccessReview per permission, whether the job launcher's service
 * account may do what launching job pods needs in the job namespace. The answers go into the
 * snapshot as {@link AccessReview}s, which {@code rbac.job-launcher} trusts over its own reading of
 * the RBAC objects (the API server also knows webhook authorizers and RBAC objects pulldoctor could
 * not list).
 */
final class AccessReviewer {
  private static final Logger logger = LoggerFactory.getLogger(AccessReviewer.class);
  private static final String RESOURCE = "subjectaccessreviews";
  private static final String GROUP = "authorization.k8s.io";

  private final KubernetesClient client;

  AccessReviewer(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Adds one {@link AccessReview} per required permission to {@code builder}. Stops at the first
   * failure, recorded once as a {@link CollectionError} (a 403 means pulldoctor may not create
   * SubjectAccessReviews), and at the first review answered without a status, which a server that
   * does not evaluate reviews returns.
   */
  void review(Snapshot.Builder builder, AirbyteInstall install) {
    String namespace = install.jobNamespace();
    for (JobLauncherAccess.Requirement requirement : JobLauncherAccess.requirements(install)) {
      ServiceAccountUser account = requirement.account();
      for (Permission permission : requirement.permissions()) {
        SubjectAccessReview answer;
        try {
          answer =
              client
                  .authorization()
                  .v1()
                  .subjectAccessReview()
                  .create(request(account, namespace, permission));
        } catch (KubernetesClientException e) {
          CollectionError error =
              new CollectionError(RESOURCE, GROUP, null, "create", e.getCode(), reason(e));
          logger.warn("{}", error.describe());
          builder.collectionError(error);
          return;
        }
        if (answer == null
            || answer.getStatus() == null
            || answer.getStatus().getAllowed() == null) {
          logger.debug("SubjectAccessReview came back without an answer; not asking further");
          return;
        }
        boolean allowed = answer.getStatus().getAllowed();
        logger.debug(
            "{} may {}: {}", account.username(), permission.display(), allowed ? "yes" : "no");
        builder.accessReview(
            new AccessReview(
                account.username(),
                namespace,
                permission.group(),
                permission.resource(),
                permission.verb(),
                allowed));
      }
    }
  }

  private static SubjectAccessReview request(
      ServiceAccountUser account, String namespace, Permission permission) {
    // The API server neither needs nor keeps a name; generateName lets stores that do keep
    // objects (fabric8's CRUD mock) accept the review as well.
    return new SubjectAccessReviewBuilder()
        .withNewMetadata()
        .withGenerateName("pulldoctor-")
        .endMetadata()
        .withNewSpec()
        .withUser(account.username())
        .withGroups(account.groups())
        .withNewResourceAttributes()
        .withNamespace(namespace)
        .withGroup(permission.group())
        .withResource(resource(permission))
        .withSubresource(subresource(permission))
        .withVerb(permission.verb())
        .endResourceAttributes()
        .endSpec()
        .build();
  }

  /** {@code pods} of {@code pods/exec}: a review names the subresource in a field of its own. */
  private static String resource(Permission permission) {
    int slash = permission.resource().indexOf('/');
    return slash < 0 ? permission.resource() : permission.resource().substring(0, slash);
  }

  private static @Nullable String subresource(Permission permission) {
    int slash = permission.resource().indexOf('/');
    return slash < 0 ? null : permission.resource().substring(slash + 1);
  }

  private static String reason(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      default -> e.getCode() <= 0 ? "no answer from the API server" : "HTTP " + e.getCode();
    };
  }
}
