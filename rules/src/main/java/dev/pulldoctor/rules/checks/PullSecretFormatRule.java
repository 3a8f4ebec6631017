package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.ParseProblem;
import dev.pulldoctor.rules.pullsecret.ProblemCode;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Each existing pull secret is one the kubelet can read. */
public final class PullSecretFormatRule implements ReferencedSecretsRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "pullsecret.format",
          "Pull secrets have the type, key and JSON shape the kubelet reads",
          Severity.CRITICAL,
          """
          The kubelet reads only two kinds of Secret as pull secrets: type \
          kubernetes.io/dockerconfigjson with key .dockerconfigjson holding {"auths": {...}}, and \
          the legacy type kubernetes.io/dockercfg with key .dockercfg holding the registry map \
          without the "auths" wrapper. Any other type (for example Opaque with a .dockerconfigjson \
          key) is ignored without an event. Invalid JSON, or an "auth" field that is not \
          base64(username:password), makes the kubelet fail every pull of the pod before it \
          contacts a registry ("unable to parse auth field", "illegal base64 data"). A payload \
          without "auths", an empty one, or the "auths" wrapper inside a .dockercfg secret parse \
          to no usable credentials, so the pull goes out anonymously. When "auth" and \
          "username"/"password" disagree, the kubelet sends what "auth" holds. Credential helpers \
          (credsStore, credHelpers) and identitytoken are not supported in pull secrets.\
          """,
          """
          Recreate the secret with kubectl create secret docker-registry, which writes the right \
          type, key and shape.\
          """,
          List.of(
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/credentialprovider/config_test.go"
                  + " (auth overrides username and password)",
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/apis/core/validation/validation.go"
                  + " (ValidateSecret)",
              "https://github.com/kubernetes/kubernetes/issues/82147 (illegal base64 data in auth)",
              "docs/conformance.md (the config_test.go cases)",
              "kubernetes/kubernetes pkg/credentialprovider/config.go, secrets/secrets.go",
              "kubernetes.io: Images, Interpretation of config.json"),
          List.of(ResourceKind.SECRETS));

  private static final Set<ProblemCode> WARNINGS =
      Set.of(
          ProblemCode.AUTH_MISMATCH,
          ProblemCode.CREDENTIAL_HELPER_IGNORED,
          ProblemCode.TOKEN_FIELD_IGNORED);

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public String noneNamed(String namespace) {
    return "no pull secret is named for job pods";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, ReferencedSecrets referenced) {
    String namespace = referenced.namespace();
    List<Result> results = new ArrayList<>();
    for (String name : referenced.names()) {
      diagnosis
          .snapshot()
          .secret(namespace, name)
          .ifPresent(secret -> results.add(check(diagnosis, secret)));
    }
    if (results.isEmpty()) {
      results.add(
          Result.of(
              INFO,
              Status.SKIP,
              "none of the named pull secrets exists in namespace "
                  + namespace
                  + " (see pullsecret.exists)"));
    }
    return results;
  }

  private static Result check(Diagnosis diagnosis, SecretInfo secret) {
    ObjectRef subject = ObjectRef.of("Secret", secret.namespace(), secret.name());
    Fix recreate = recreate(diagnosis, secret);
    PullSecretView view = secret.pullSecret();
    if (view == null) {
      return Result.about(
              INFO,
              Status.FAIL,
              subject,
              "Secret "
                  + secret.name()
                  + " has type "
                  + secret.type()
                  + " and no .dockerconfigjson or .dockercfg key (keys: "
                  + String.join(", ", secret.dataKeys())
                  + "): it is not a pull secret, and the kubelet ignores it without an event.")
          .withFix(recreate)
          .withEvidence("type", secret.type())
          .withEvidence("keys", secret.dataKeys());
    }
    List<ParseProblem> problems = view.problems();
    List<String> described = problems.stream().map(ParseProblem::describe).toList();
    if (view.breaksPulls()) {
      return Result.about(
              INFO,
              Status.FAIL,
              subject,
              "the kubelet cannot parse Secret "
                  + secret.name()
                  + ": "
                  + String.join("; ", described)
                  + ". It then fails every image pull of pods that list this secret, Airbyte's own"
                  + " init and sidecar images included.")
          .withFix(recreate)
          .withEvidence(evidence(view));
    }
    List<ParseProblem> serious =
        problems.stream().filter(p -> !WARNINGS.contains(p.code())).toList();
    if (view.format() == null || !serious.isEmpty() || !view.usable()) {
      String why =
          described.isEmpty()
              ? "it holds no registry entry the kubelet can use"
              : String.join("; ", described);
      return Result.about(
              INFO,
              Status.FAIL,
              subject,
              "the kubelet gets no usable credentials from Secret "
                  + secret.name()
                  + ": "
                  + why
                  + ". Pulls that rely on it go out anonymously.")
          .withFix(recreate)
          .withEvidence(evidence(view));
    }
    if (!problems.isEmpty()) {
      return Result.about(
              INFO,
              Status.WARN,
              subject,
              "Secret " + secret.name() + " is readable, but: " + String.join("; ", described))
          .withFix(recreate)
          .withEvidence(evidence(view));
    }
    return Result.about(
            INFO,
            Status.PASS,
            subject,
            "Secret "
                + secret.name()
                + " is a well-formed "
                + view.secretType()
                + " with "
                + describeEntries(view.credentials()))
        .withEvidence(evidence(view));
  }

  private static String describeEntries(List<RegistryCredential> credentials) {
    List<String> entries = new ArrayList<>();
    for (RegistryCredential c : credentials) {
      String user = c.username() == null ? "no username" : "user '" + c.username() + "'";
      entries.add("'" + c.registryKey() + "' (" + user + ")");
    }
    return (entries.size() == 1 ? "an entry for " : "entries for ") + String.join(", ", entries);
  }

  private static Map<String, Object> evidence(PullSecretView view) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("type", view.secretType());
    evidence.put(
        "registries", view.credentials().stream().map(RegistryCredential::registryKey).toList());
    List<String> fingerprints =
        view.credentials().stream()
            .map(RegistryCredential::passwordFingerprint)
            .filter(Objects::nonNull)
            .toList();
    if (!fingerprints.isEmpty()) {
      evidence.put("passwordFingerprints", fingerprints);
    }
    if (!view.problems().isEmpty()) {
      evidence.put("problems", view.problems().stream().map(p -> p.code().name()).toList());
    }
    return evidence;
  }

  private static Fix recreate(Diagnosis diagnosis, SecretInfo secret) {
    String server =
        diagnosis
            .firstValidReference()
            .map(Fixes::dockerServer)
            .or(
                () ->
                    Optional.ofNullable(secret.pullSecret())
                        .flatMap(v -> v.credentials().stream().findFirst())
                        .map(RegistryCredential::registryKey))
            .orElse("<registry-host>");
    return Fixes.rewriteSecret(
        diagnosis,
        secret.namespace(),
        secret.name(),
        server,
        null,
        null,
        "Write the secret over in the format the kubelet reads (pods keep naming it):");
  }
}
