package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Pull secrets of job pods do not hold registry tokens that expire within hours. */
public final class TokenExpiryRule implements ReferencedSecretsRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "pullsecret.token-expiry",
          "Pull secrets hold no expired short-lived registry tokens",
          Severity.CRITICAL,
          """
          Some registries hand out short-lived tokens as passwords. An ECR token from aws ecr \
          get-login-password (username AWS) is valid for 12 hours; a Google OAuth2 access token \
          (username oauth2accesstoken, e.g. from gcloud auth print-access-token) for about 1 hour. A \
          pull secret built from one by hand works until then and afterwards fails with 401/403 \
          ("denied: Your authorization token has expired. Reauthenticate and try again." on ECR). \
          The age is measured from the secret's last write (managedFields) or, without that, its \
          creationTimestamp. The kubelet tries pull-secret credentials first and the node's \
          credential provider after them, so an expired secret only stops pulls where the node \
          identity has no access of its own.\
          """,
          """
          Let the nodes pull with their own identity (EKS node role with \
          AmazonEC2ContainerRegistryReadOnly, GKE node service account with \
          roles/artifactregistry.reader) and drop the secret, or refresh the secret on a schedule \
          well inside the token's lifetime.\
          """,
          List.of(
              "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html"
                  + " (valid for 12 hours)",
              "https://cloud.google.com/artifact-registry/docs/docker/authentication"
                  + " (oauth2accesstoken)",
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/credentialprovider/secrets/secrets.go"
                  + " (pull secrets before node credentials)",
              "https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_EKS.html (nodes pull"
                  + " with the node IAM role)",
              "AWS CLI reference: ecr get-login-password"),
          List.of(ResourceKind.SECRETS));

  /** A short-lived token recognised by its username and registry. */
  enum TokenKind {
    ECR("an ECR token (username AWS)", "ECR tokens", Duration.ofHours(12), Cloud.AWS),
    GOOGLE(
        "a Google OAuth2 access token (username oauth2accesstoken)",
        "Google access tokens",
        Duration.ofHours(1),
        Cloud.GCP);

    private final String described;
    private final String plural;
    private final Duration lifetime;
    private final Cloud cloud;

    TokenKind(String described, String plural, Duration lifetime, Cloud cloud) {
      this.described = described;
      this.plural = plural;
      this.lifetime = lifetime;
      this.cloud = cloud;
    }

    static @Nullable TokenKind of(@Nullable String username, String host) {
      RegistryKind kind = RegistryHosts.kind(host);
      if ("AWS".equals(username) && kind == RegistryKind.ECR) {
        return ECR;
      }
      if ("oauth2accesstoken".equals(username)
          && (kind == RegistryKind.GCR || kind == RegistryKind.ARTIFACT_REGISTRY)) {
        return GOOGLE;
      }
      return null;
    }
  }

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public String noneNamed(String namespace) {
    return "no pull secret is named for job pods in namespace " + namespace;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, ReferencedSecrets referenced) {
    String namespace = referenced.namespace();
    List<Result> results = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : referenced.names()) {
      Optional<SecretInfo> secret = diagnosis.snapshot().secret(namespace, name);
      if (secret.isEmpty()) {
        missing.add(name);
        continue;
      }
      checked.add(name);
      PullSecretView view = secret.get().pullSecret();
      if (view == null) {
        continue;
      }
      for (RegistryCredential credential : view.credentials()) {
        String host = host(credential);
        TokenKind kind = host == null ? null : TokenKind.of(credential.username(), host);
        if (host != null && kind != null) {
          results.add(check(diagnosis, referenced, secret.get(), host, kind));
        }
      }
    }
    if (!results.isEmpty()) {
      return results;
    }
    if (checked.isEmpty()) {
      return List.of(
          Result.of(
              INFO,
              Status.SKIP,
              "none of the pull secrets named for job pods ("
                  + String.join(", ", missing)
                  + ") exists in namespace "
                  + namespace
                  + " (see pullsecret.exists)"));
    }
    String unchecked =
        missing.isEmpty()
            ? ""
            : "; " + String.join(", ", missing) + " could not be checked (see pullsecret.exists)";
    return List.of(
        Result.of(
                INFO,
                Status.PASS,
                "no pull secret of job pods ("
                    + String.join(", ", checked)
                    + ") holds a short-lived registry token (ECR username AWS: 12 h; Google"
                    + " oauth2accesstoken: 1 h)"
                    + unchecked)
            .withEvidence("secretNames", checked));
  }

  private static Result check(
      Diagnosis diagnosis,
      ReferencedSecrets referenced,
      SecretInfo secret,
      String host,
      TokenKind kind) {
    ObjectRef subject = ObjectRef.of("Secret", secret.namespace(), secret.name());
    Instant written = secret.writtenAt();
    boolean fromManagedFields = written != null && written.equals(secret.lastWrittenAt());
    ImageReference image = imageOn(diagnosis, host);
    String holds =
        "Secret "
            + secret.name()
            + " (named by "
            + referenced.origin(secret.name())
            + ") holds "
            + kind.described
            + " for "
            + host;
    Fix remediation = remediation(diagnosis, referenced, secret, host, kind, image);
    Status status;
    String message;
    Map<String, Object> dated = Map.of();
    if (written == null) {
      status = Status.WARN;
      message =
          holds
              + ". "
              + kind.plural
              + " are valid for "
              + hours(kind.lifetime)
              + ", and the input has no creationTimestamp to tell this one's age: static"
              + " tokens need a refresher.";
    } else {
      Instant now = diagnosis.now();
      Duration age = Duration.between(written, now);
      if (age.isNegative()) {
        age = Duration.ZERO;
      }
      String when =
          (fromManagedFields ? ", last written " : ", created ")
              + written
              + ", "
              + hours(age)
              + " before "
              + now
              + ". "
              + kind.plural
              + " are valid for "
              + hours(kind.lifetime);
      boolean refreshed = refreshedInPlace(secret);
      if (age.compareTo(kind.lifetime) >= 0) {
        String hedge =
            secret.lastWrittenAt() == null
                ? " (The input has no managedFields, which would show an in-place refresh;"
                    + " kubectl get -o yaml hides them without --show-managed-fields.)"
                : refreshed
                    ? " It was rewritten after its creation ("
                        + secret.createdAt()
                        + "), so a refresher existed and has stopped."
                    : "";
        status = Status.FAIL;
        message =
            holds
                + when
                + ", so it expired "
                + hours(age.minus(kind.lifetime))
                + " ago: the registry rejects it with 401/403"
                + (kind == TokenKind.ECR
                    ? " (\"denied: Your authorization token has expired. Reauthenticate and"
                        + " try again.\")"
                    : "")
                + ", and pulls succeed only where "
                + kind.cloud.nodeIdentity()
                + " has access of its own (the kubelet tries the secret first, then the"
                + " node's credentials)."
                + hedge;
      } else if (refreshed) {
        status = Status.PASS;
        message =
            holds
                + when
                + ". It was created "
                + secret.createdAt()
                + " and rewritten since, so something refreshes it in place; the token"
                + " expires at "
                + written.plus(kind.lifetime)
                + " if that stops.";
      } else {
        status = Status.WARN;
        message =
            holds
                + when
                + ", so it expires in "
                + hours(kind.lifetime.minus(age))
                + " (at "
                + written.plus(kind.lifetime)
                + ") unless something refreshes it: static tokens need a refresher.";
      }
      dated = Map.of("writtenAt", written.toString(), "ageMinutes", age.toMinutes());
    }
    Result result =
        Result.of(INFO, status, subject, image == null ? null : image.toString(), message)
            .withEvidence(dated);
    return (result.status() == Status.PASS ? result : result.withFix(remediation))
        .withRegistry(host)
        .withEvidence("token", kind.name().toLowerCase(Locale.ROOT))
        .withEvidence("lifetimeHours", kind.lifetime.toHours());
  }

  private static Fix remediation(
      Diagnosis diagnosis,
      ReferencedSecrets referenced,
      SecretInfo secret,
      String host,
      TokenKind kind,
      @Nullable ImageReference image) {
    AirbyteInstall install = diagnosis.install();
    String name = secret.name();
    String namespace = secret.namespace();
    List<Step> nodeIdentity =
        new ArrayList<>(
            NodeIdentity.checkSteps(kind.cloud, image, NodeIdentity.jobNodes(diagnosis)));
    // Dropping the secret waits on the grant above, outside the cluster, so it stays a step a
    // person takes (and 'fix --apply' never takes it).
    nodeIdentity.addAll(drop(install, referenced, secret, kind));
    Fix fix =
        Fix.of(
            "Let the nodes pull with their own identity, which the kubelet's "
                + (kind == TokenKind.ECR ? "ECR credential provider" : "auth-provider-gcp")
                + " keeps fresh ("
                + kind.cloud.nodeIdentity()
                + "):",
            nodeIdentity);
    String password =
        kind == TokenKind.ECR
            ? "\"$(aws ecr get-login-password --region "
                + NodeIdentity.ecrRegion(host).orElse("\"$AWS_REGION\"")
                + ")\""
            : "\"$(gcloud auth print-access-token)\"";
    boolean shared = !onlyTokens(secret, kind);
    // The command below replaces the whole payload, so a shared secret would lose its other
    // registries: the token then gets a secret of its own.
    String target = shared ? name + (kind == TokenKind.ECR ? "-ecr" : "-gar") : name;
    String refresh =
        (shared
                ? "keep the token in a secret of its own, "
                    + target
                    + " (the command replaces the whole secret), name it next to "
                    + name
                    + ", and refresh it "
                : "refresh the secret ")
            + (kind == TokenKind.ECR ? "every 6 hours" : "every 30 minutes")
            + " (e.g. a CronJob whose pod has "
            + (kind == TokenKind.ECR ? "the aws CLI" : "gcloud")
            + " and kubectl, a cloud identity allowed to "
            + (kind == TokenKind.ECR ? "call ecr:GetAuthorizationToken" : "read the repository")
            + ", and RBAC to update the secret) with:";
    String command =
        "kubectl create secret docker-registry "
            + Fixes.shellWord(target)
            + " -n "
            + Fixes.shellWord(namespace)
            + " --docker-server="
            + Fixes.shellWord(host)
            + " --docker-username="
            + (kind == TokenKind.ECR ? "AWS" : "oauth2accesstoken")
            + " --docker-password="
            + password
            + " --dry-run=client -o yaml | kubectl apply -f -";
    return fix.or(Fixes.run(refresh, command));
  }

  /** Every entry of the secret is a token of this kind (no other registry would be lost). */
  private static boolean onlyTokens(SecretInfo secret, TokenKind kind) {
    PullSecretView view = secret.pullSecret();
    return view != null
        && view.credentials().stream()
            .allMatch(
                c -> {
                  String host = host(c);
                  return host != null && TokenKind.of(c.username(), host) == kind;
                });
  }

  /** Rewritten more than a minute after creation: a refresher applies it in place. */
  private static boolean refreshedInPlace(SecretInfo secret) {
    Instant created = secret.createdAt();
    Instant written = secret.lastWrittenAt();
    return created != null && written != null && written.isAfter(created.plusSeconds(60));
  }

  /** How to stop naming the secret, or only its token entry when it holds other registries. */
  private static List<Step> drop(
      AirbyteInstall install, ReferencedSecrets referenced, SecretInfo secret, TokenKind kind) {
    if (!onlyTokens(secret, kind)) {
      return List.of(
          new Step.Manual(
              "Then remove the token's entry from secret "
                  + secret.name()
                  + ", which also holds credentials for other registries.",
              null));
    }
    String origin = referenced.origin(secret.name());
    if (origin.equals(JobEnv.PULL_SECRET)) {
      List<String> rest =
          install.pullSecretNames().stream()
              .map(String::strip)
              .filter(n -> !n.isEmpty() && !n.equals(secret.name()))
              .toList();
      List<Step> steps = new ArrayList<>();
      String then = "Then drop the secret from " + JobEnv.PULL_SECRET + ":";
      for (Step step : Fixes.setPullSecretEnv(install, rest)) {
        steps.add(new Step.Manual(then, Commands.render(step)));
        then = "";
      }
      return steps;
    }
    if (origin.startsWith("imagePullSecrets of service account ")) {
      return List.of(
          new Step.Manual(
              "Then remove it from the imagePullSecrets of service account "
                  + install.jobServiceAccount()
                  + ":",
              "kubectl edit serviceaccount "
                  + Fixes.shellWord(install.jobServiceAccount())
                  + " -n "
                  + Fixes.shellWord(install.jobNamespace())));
    }
    return List.of(new Step.Manual("Then stop naming it in " + origin + ".", null));
  }

  /** The registry host of an entry as the kubelet indexes it; null when the kubelet ignores it. */
  private static @Nullable String host(RegistryCredential credential) {
    String key = credential.keyringKey();
    if (key == null) {
      return null;
    }
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }

  private static @Nullable ImageReference imageOn(Diagnosis diagnosis, String host) {
    return diagnosis.images().stream()
        .map(TargetImage::reference)
        .flatMap(Optional::stream)
        .filter(r -> r.domain().equalsIgnoreCase(host))
        .findFirst()
        .orElse(null);
  }

  /** {@code 27 h 5 min}; durations of two days and more also in days. */
  static String hours(Duration duration) {
    long minutes = duration.toMinutes();
    String text = (minutes / 60) + " h" + (minutes % 60 == 0 ? "" : " " + (minutes % 60) + " min");
    return minutes >= 48 * 60 ? text + " (" + (minutes / (24 * 60)) + " days)" : text;
  }
}
