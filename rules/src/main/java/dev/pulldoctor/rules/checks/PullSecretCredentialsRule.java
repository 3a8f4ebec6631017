package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Live: the registry accepts the credentials the kubelet would send, for pulling the image. */
public final class PullSecretCredentialsRule implements ReachedRegistryRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "pullsecret.credentials",
          "The registry accepts the job pod's credentials for pulling the image",
          Severity.CRITICAL,
          """
          A pull secret can exist, parse and match the registry and still hold the wrong \
          password, an expired token (ECR tokens last 12 hours, Google access tokens 1 hour) or \
          an account without read access to the repository. pulldoctor takes the entry the \
          kubelet would send for the image (its keyring rules over the job pod's secrets, tried \
          in the same order) and performs the registry's own flow: GET /v2/, then Basic \
          authentication, or a Bearer token from the challenge's realm for \
          repository:<name>:pull, then a manifest request. A 401 from the token service or a \
          Basic registry means the credentials are wrong; a token without pull access (401/403 \
          with DENIED or insufficient_scope on the manifest) means the account lacks \
          permission. Credentials are sent only to the registry host or a token realm on the \
          same registrable domain (auth.docker.io for Docker Hub), never logged or reported.\
          """,
          """
          Recreate the pull secret with working credentials for the registry (a fresh token, the \
          right username), or grant that account read access to the repository.\
          """,
          List.of(
              "https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md (GET /v2/,"
                  + " pulling manifests, error codes)",
              "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html"
                  + " (ECR tokens last 12 hours)",
              "https://cloud.google.com/artifact-registry/docs/docker/authentication"
                  + " (oauth2accesstoken)",
              "distribution/distribution docs/content/spec/auth/token.md",
              "docs/registry-probes.md (where credentials may be sent, and the CVEs behind each"
                  + " safety rule)"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public Result evaluate(Diagnosis diagnosis, TargetImage image, RegistryObservation seen) {
    Access access = seen.access();
    String namespace = diagnosis.install().jobNamespace();
    ObjectRef secret =
        access.secret() == null ? null : ObjectRef.of("Secret", namespace, access.secret());
    String who =
        access.secret() == null
            ? ""
            : "Secret "
                + access.secret()
                + " (entry '"
                + access.registryKey()
                + "'"
                + (access.username() == null ? "" : ", user '" + access.username() + "'")
                + ")";
    String registryAnswer = registryAnswer(access);
    ImageReference ref = image.reference().orElseThrow();
    Result result =
        switch (access.outcome()) {
          case ACCEPTED ->
              onSecret(
                  Status.PASS,
                  secret,
                  image,
                  seen.registry()
                      + " accepts the credentials of "
                      + who
                      + " for pulling "
                      + ref.path());
          case ANONYMOUS_ACCEPTED ->
              Result.forImage(
                  INFO,
                  Status.PASS,
                  image.effective(),
                  "no pull secret of the job pods matches "
                      + ref.name()
                      + ", and "
                      + seen.registry()
                      + " lets anyone pull it, so the kubelet's anonymous pull works");
          case REJECTED ->
              onSecret(
                      Status.FAIL,
                      secret,
                      image,
                      seen.registry()
                          + " rejects the credentials of "
                          + who
                          + ": "
                          + access.detail()
                          + registryAnswer
                          + ". The kubelet sends exactly these, so the pull fails with 401"
                          + " Unauthorized"
                          + tokenHint(ref, access))
                  .withFix(recreate(diagnosis, ref, access, namespace))
                  .withCause(PullErrorCause.AUTH);
          case NO_PULL_ACCESS ->
              onSecret(
                      Status.FAIL,
                      secret,
                      image,
                      seen.registry()
                          + " knows the account of "
                          + who
                          + " but denies it pulling "
                          + ref.path()
                          + registryAnswer
                          + "; the pull fails with 'denied' or 'insufficient_scope'")
                  .withRemediation(grant(ref, access))
                  .withCause(PullErrorCause.AUTH);
          case ANONYMOUS_REJECTED -> anonymousRejected(diagnosis, image, ref, seen, registryAnswer);
          case WITHHELD ->
              onSecret(Status.WARN, secret, image, access.detail())
                  .withRemediation(
                      "If the token service is genuine, rerun with --probe-allow and its host"
                          + " name.");
          case RATE_LIMITED ->
              onSecret(
                      Status.WARN,
                      secret,
                      image,
                      seen.registry()
                          + " rate-limits pulls right now"
                          + registryAnswer
                          + "; the kubelet's pulls can fail with 429 Too Many Requests")
                  .withRemediation(
                      ref.isDockerHub()
                          ? "Pull with a Docker Hub account (a pull secret for docker.io), which"
                              + " raises the limit, or mirror the image to your own registry."
                          : "Wait, or ask the registry's operator about its rate limits.")
                  .withCause(PullErrorCause.RATE_LIMIT);
          case ERROR ->
              onSecret(
                  Status.ERROR,
                  secret,
                  image,
                  "the check could not run: " + access.detail() + registryAnswer);
          case NOT_CHECKED -> onSecret(Status.SKIP, secret, image, access.detail());
        };
    return RegistryProbes.withAnswer(result, seen, access.httpStatus(), access.errorCode());
  }

  /**
   * A result about the pull secret whose credentials pulldoctor sent for {@code image} ({@code
   * secret} is null when none matched and the probe went anonymously).
   */
  private static Result onSecret(
      Status status, @Nullable ObjectRef secret, TargetImage image, String message) {
    return Result.of(INFO, status, secret, image.effective(), message);
  }

  private static Result anonymousRejected(
      Diagnosis diagnosis,
      TargetImage image,
      ImageReference ref,
      RegistryObservation seen,
      String registryAnswer) {
    boolean cloud = RegistryHosts.isCloudRegistry(RegistryHosts.kind(ref.domain()));
    String message =
        "no pull secret of the job pods matches "
            + ref.name()
            + " (see pullsecret.registry-match), so the kubelet pulls anonymously, and "
            + seen.registry()
            + " refuses anonymous pulls of "
            + ref.path()
            + registryAnswer
            + (cloud
                ? ". The nodes may still pull with their cloud identity, which pulldoctor cannot"
                    + " test from here"
                : "");
    return Result.forImage(INFO, cloud ? Status.WARN : Status.FAIL, image.effective(), message)
        .withFix(
            Fix.of(
                "Create a pull secret for "
                    + Fixes.dockerServer(ref)
                    + " and give it to the job pods:",
                Fixes.createAndName(
                    diagnosis,
                    ref,
                    diagnosis.install().pullSecretNames().stream()
                        .filter(n -> !n.isBlank())
                        .toList())))
        .withCause(PullErrorCause.AUTH);
  }

  private static String registryAnswer(Access access) {
    if (access.errorCode() == null && access.errorMessage() == null) {
      return "";
    }
    String code = access.errorCode() == null ? "" : access.errorCode();
    String text = access.errorMessage() == null ? "" : access.errorMessage();
    return " (the registry says: "
        + (code.isEmpty() ? text : text.isEmpty() ? code : code + ": " + text)
        + ")";
  }

  /** Registry-specific reasons for rejected credentials (k8s-pull-facts.md §4). */
  private static String tokenHint(ImageReference ref, Access access) {
    String user = access.username() == null ? "" : access.username();
    RegistryKind kind = RegistryHosts.kind(ref.domain());
    if (kind == RegistryKind.ECR || user.equals("AWS")) {
      return ". ECR passwords are tokens that expire 12 hours after aws ecr get-login-password"
          + " made them";
    }
    if (user.equals("oauth2accesstoken")) {
      return ". A Google access token (oauth2accesstoken) expires after about an hour";
    }
    if (kind == RegistryKind.GHCR) {
      return ". GHCR needs a personal access token (classic) with read:packages as the password";
    }
    return "";
  }

  private static Fix recreate(
      Diagnosis diagnosis, ImageReference ref, Access access, String namespace) {
    String name = access.secret() == null ? "regcred" : access.secret();
    String server = access.registryKey() == null ? Fixes.dockerServer(ref) : access.registryKey();
    RegistryKind kind = RegistryHosts.kind(ref.domain());
    boolean ecr = kind == RegistryKind.ECR;
    Fix fix =
        Fixes.rewriteSecret(
            diagnosis,
            namespace,
            name,
            server,
            ecr ? "AWS" : access.username(),
            ecr
                ? "aws ecr get-login-password --region "
                    + NodeIdentity.ecrRegion(ref.domain()).orElse("\"$AWS_REGION\"")
                : null,
            "Write the secret over with working credentials (pods keep naming it):");
    return ecr
        ? fix.or(
            Fix.of(
                "let the nodes pull with their IAM role; ECR tokens expire after 12 h, so a static"
                    + " secret needs refreshing on a schedule:",
                new Step.Manual(
                    "grant the node role ecr:GetAuthorizationToken, ecr:BatchGetImage and"
                        + " ecr:GetDownloadUrlForLayer (EKS nodes pull with it through the"
                        + " kubelet's ECR credential provider), then drop the secret from the"
                        + " launcher's list",
                    null)))
        : fix;
  }

  private static String grant(ImageReference ref, Access access) {
    String user = access.username() == null ? "the account" : "'" + access.username() + "'";
    return switch (RegistryHosts.kind(ref.domain())) {
      case GHCR ->
          "Give "
              + user
              + " read access to the package "
              + ref.path()
              + " (package settings → Manage access), and use a token with read:packages.";
      case ACR ->
          "Grant "
              + user
              + " the AcrPull role (or a repository-scoped token with content/read) on "
              + ref.domain()
              + ".";
      case ARTIFACT_REGISTRY, GCR ->
          "Grant "
              + user
              + " roles/artifactregistry.reader on the repository of "
              + ref.path()
              + ".";
      case ECR ->
          "Allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository "
              + ref.path()
              + " (IAM policy, and a repository policy for cross-account pulls).";
      case DOCKER_HUB ->
          "Give "
              + user
              + " access to the private repository "
              + ref.path()
              + " on Docker Hub, with a token that has read scope.";
      default -> "Grant " + user + " pull (read) permission on the repository " + ref.path() + ".";
    };
  }
}
