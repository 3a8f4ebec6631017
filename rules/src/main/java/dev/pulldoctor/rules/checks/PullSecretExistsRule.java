package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Each pull secret job pods name exists in the job namespace. */
public final class PullSecretExistsRule implements ReferencedSecretsRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "pullsecret.exists",
          "Every pull secret named for job pods exists in the job namespace",
          Severity.CRITICAL,
          """
          A pod can only use pull secrets from its own namespace. Connector job pods run in \
          JOB_KUBE_NAMESPACE, which both Airbyte charts set to the launcher's own namespace. When a \
          named secret is missing, the kubelet records a FailedToRetrieveImagePullSecret event \
          ("Unable to retrieve some image pull secrets (<name>); attempting to pull the image may \
          not succeed.") and pulls without it, so the registry's answer (401, "pull access \
          denied", "insufficient_scope") hides the real cause. A secret created in another \
          namespace, or under a slightly different name, is the usual reason.\
          """,
          """
          Create the secret in the job namespace with kubectl create secret docker-registry, or fix \
          the name in JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET.\
          """,
          List.of(
              "https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod"
                  + " (own namespace only)",
              "kubernetes.io: Pull an Image from a Private Registry",
              "kubernetes/kubernetes PR #117927 (FailedToRetrieveImagePullSecret)"),
          List.of(ResourceKind.SECRETS));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public Result unreadable(Diagnosis diagnosis, ReadScope scope, List<CollectionError> errors) {
    return ReferencedSecretsRule.super
        .unreadable(diagnosis, scope, errors)
        .withEvidence("secretNames", ReferencedSecrets.of(diagnosis).names());
  }

  @Override
  public String noneNamed(String namespace) {
    return "no pull secret is named for job pods in namespace "
        + namespace
        + " (see launcher.pull-secret-env)";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, ReferencedSecrets referenced) {
    List<Result> results = new ArrayList<>();
    for (String name : referenced.names()) {
      results.add(check(diagnosis, referenced, name));
    }
    return results;
  }

  private static Result check(Diagnosis diagnosis, ReferencedSecrets referenced, String name) {
    String namespace = referenced.namespace();
    ObjectRef subject = ObjectRef.of("Secret", namespace, name);
    Optional<SecretInfo> secret = diagnosis.snapshot().secret(namespace, name);
    if (secret.isPresent()) {
      return Result.about(
              INFO,
              Status.PASS,
              subject,
              "Secret "
                  + name
                  + " exists in namespace "
                  + namespace
                  + " (type "
                  + secret.get().type()
                  + "), named by "
                  + referenced.origin(name))
          .withEvidence("namedBy", referenced.origin(name));
    }
    List<String> sameNamespace =
        diagnosis.snapshot().secretsIn(namespace).stream().map(SecretInfo::name).toList();
    List<String> nearMisses = NearNames.near(name, sameNamespace);
    List<String> elsewhere =
        diagnosis.snapshot().secrets().stream()
            .filter(s -> s.name().equals(name) && !s.namespace().equals(namespace))
            .map(SecretInfo::namespace)
            .toList();
    StringBuilder message =
        new StringBuilder("Secret '")
            .append(name)
            .append("' (named by ")
            .append(referenced.origin(name))
            .append(") does not exist in namespace ")
            .append(namespace)
            .append(
                ", where job pods run: the kubelet reports FailedToRetrieveImagePullSecret and"
                    + " pulls without it.");
    if (!nearMisses.isEmpty()) {
      message.append(" Did you mean ").append(quoted(nearMisses)).append('?');
    }
    Optional<String> coveringNearMiss =
        nearMisses.stream()
            .filter(n -> matchingKey(diagnosis, namespace, n).isPresent())
            .findFirst();
    coveringNearMiss.ifPresent(
        n ->
            message
                .append(" Secret '")
                .append(n)
                .append("' holds credentials under key '")
                .append(matchingKey(diagnosis, namespace, n).orElseThrow())
                .append("', which the kubelet would use for ")
                .append(diagnosis.images().get(0).effective())
                .append(", so naming it fixes the pull."));
    if (!elsewhere.isEmpty()) {
      message
          .append(" A secret with this name exists in namespace ")
          .append(String.join(", ", elsewhere))
          .append("; pods can only use pull secrets from their own namespace.");
    }
    String stripped = name.strip();
    String server =
        diagnosis.firstValidReference().map(Fixes::dockerServer).orElse("<registry-host>");
    Fix create = Fix.of("create the missing one:", Fixes.createPullSecret(name, namespace, server));
    Fix fix;
    if (!stripped.equals(name)) {
      fix =
          Fix.of(
              "Remove the whitespace from the secret list:",
              Fixes.nameSecrets(
                  diagnosis,
                  diagnosis.install().pullSecretNames().stream()
                      .map(String::strip)
                      .filter(n -> !n.isEmpty())
                      .toList()));
    } else if (coveringNearMiss.isPresent()) {
      fix =
          Fix.of(
                  "Name the existing secret '" + coveringNearMiss.get() + "' instead:",
                  Fixes.setPullSecretEnv(
                      diagnosis.install(), replaced(diagnosis, name, coveringNearMiss.get())))
              .or(create);
    } else {
      fix = Fix.of("Create the missing one:", Fixes.createPullSecret(name, namespace, server));
    }
    Result result =
        Result.about(INFO, Status.FAIL, subject, message.toString())
            .withFix(fix)
            .withEvidence("namedBy", referenced.origin(name));
    if (!nearMisses.isEmpty()) {
      result = result.withEvidence("didYouMean", nearMisses);
    }
    if (!elsewhere.isEmpty()) {
      result = result.withEvidence("existsInNamespaces", elsewhere);
    }
    return result;
  }

  /** The key of a secret that the kubelet would use for the first image under diagnosis. */
  private static Optional<String> matchingKey(Diagnosis diagnosis, String namespace, String name) {
    Optional<ImageReference> image = diagnosis.firstValidReference();
    Optional<PullSecretView> view =
        diagnosis.snapshot().secret(namespace, name).map(SecretInfo::pullSecret);
    if (image.isEmpty() || view.isEmpty() || !view.get().usable()) {
      return Optional.empty();
    }
    return KubeletKeyring.of(view.get().keyringEntries(name)).lookup(image.get().name()).stream()
        .findFirst()
        .map(KubeletKeyring.Match::registryKey);
  }

  private static List<String> replaced(Diagnosis diagnosis, String wrong, String right) {
    List<String> names = diagnosis.install().pullSecretNames();
    if (names.isEmpty()) {
      return List.of(right);
    }
    return names.stream().map(n -> n.equals(wrong) ? right : n).filter(n -> !n.isEmpty()).toList();
  }

  private static String quoted(List<String> names) {
    return String.join(" or ", names.stream().map(n -> "'" + n + "'").toList());
  }
}
