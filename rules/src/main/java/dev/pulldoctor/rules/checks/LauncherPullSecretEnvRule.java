package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Component;
import dev.pulldoctor.rules.airbyte.EnvValue;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET} is set where this Airbyte version reads it. */
public final class LauncherPullSecretEnvRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "launcher.pull-secret-env",
          "The job launcher passes pull secrets to connector pods",
          Severity.CRITICAL,
          """
          Airbyte copies the comma-separated secret names in JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET \
          into spec.imagePullSecrets of every connector job pod it creates. Since Airbyte 1.0 the \
          airbyte-workload-launcher reads this variable; airbyte-worker stopped reading it in 0.64.7. \
          Guides that say to set it on airbyte-worker (kubectl set env deployment/airbyte-worker, or \
          worker.env in Helm values) therefore change nothing on 1.x and 2.x. The value is split on \
          ',' without trimming: "a, b" names a second secret " b" (with a leading space) that cannot \
          exist, and "a,,b" adds an entry with an empty name. A trailing comma is dropped, which is \
          why the v2 chart's rendering "regcred," is harmless. The v1 chart reads \
          global.jobs.kube.main_container_image_pull_secret, the v2 chart \
          global.jobs.kube.mainContainerImagePullSecret; each chart ignores the other spelling.\
          """,
          """
          Set the variable on the deployment that launches job pods (the workload-launcher on \
          Airbyte 1.0 and later) through the Helm values key of your chart generation, with secret \
          names separated by commas and no spaces.\
          """,
          List.of(
              "docs/airbyte-versions.md (which component reads the variable and each chart's values"
                  + " key, by version)",
              "https://github.com/micronaut-projects/micronaut-core/blob/v4.7.0/core/src/main/java/io/micronaut/core/convert/DefaultMutableConversionService.java#L982"
                  + " (split on ',', no trim)",
              "https://docs.airbyte.com/platform/operator-guides/using-custom-connectors (sets the"
                  + " variable on airbyte-worker)",
              "airbytehq/airbyte-platform"
                  + " airbyte-workload-launcher/src/main/resources/application.yml",
              "airbytehq/airbyte-platform charts/v2/airbyte/templates/_helpers.tpl"
                  + " (airbyte.imagePullSecretNames)"),
          List.of(ResourceKind.DEPLOYMENTS));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    Optional<Workload> launcher = install.jobLauncher();
    if (launcher.isEmpty()) {
      return List.of(noLauncher(diagnosis));
    }
    Workload workload = launcher.get();
    EnvValue value = workload.env(JobEnv.PULL_SECRET);
    if (value.problem() != null) {
      return List.of(
          result(Status.FAIL, workload, JobEnv.PULL_SECRET + ": " + value.problem())
              .withFix(Fixes.restoreEnvKey(workload))
              .withEvidence(evidence(install, workload, value)));
    }
    Optional<Result> misplaced = setOnWorkerOnly(diagnosis, workload, value);
    if (misplaced.isPresent()) {
      return List.of(misplaced.get());
    }
    if (!value.hasValue()) {
      return List.of(unset(diagnosis, workload, value));
    }
    return entries(diagnosis, workload, value);
  }

  /**
   * Deployments are read in the Airbyte namespace; a refused list matters when no launcher was
   * found (it is then why none was).
   */
  @Override
  public Optional<ReadScope> readScope(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    return install.jobLauncher().isPresent()
        ? Optional.empty()
        : Optional.of(ReadScope.namespace(install.namespace()));
  }

  @Override
  public Result unreadable(Diagnosis diagnosis, ReadScope scope, List<CollectionError> errors) {
    return noLauncher(diagnosis, Rule.super.unreadable(diagnosis, scope, errors));
  }

  /** No launcher in the Deployments read: an error, since every other check needs one. */
  private static Result noLauncher(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    return noLauncher(
        diagnosis,
        Result.about(
            INFO,
            Status.ERROR,
            ObjectRef.of("Namespace", null, install.namespace()),
            "the check could not run: " + install.noLauncherExplanation()));
  }

  /** {@code couldNotRun} with the way to point pulldoctor at the launcher. */
  private static Result noLauncher(Diagnosis diagnosis, Result couldNotRun) {
    AirbyteInstall install = diagnosis.install();
    Fix remediation =
        install.launcherNamespacesElsewhere().isEmpty()
            ? Fixes.run(
                "Point pulldoctor at the Airbyte namespace with -n (airbyte-abctl for abctl"
                    + " installs), or include the launcher Deployment in --manifests:",
                "kubectl get deployments -n '<namespace>' -o yaml > airbyte-deployments.yaml")
            : Fix.of(
                "Run pulldoctor with -n "
                    + Fixes.shellWord(install.launcherNamespacesElsewhere().get(0))
                    + ".");
    return couldNotRun
        .withFix(remediation)
        .withEvidence("launcherNamespaces", install.launcherNamespacesElsewhere());
  }

  /**
   * Airbyte 1.x reads the launcher, but the value was put on airbyte-worker (the seed guide's
   * advice).
   */
  private static Optional<Result> setOnWorkerOnly(
      Diagnosis diagnosis, Workload launcher, EnvValue launcherValue) {
    AirbyteInstall install = diagnosis.install();
    if (launcher.component() != Component.WORKLOAD_LAUNCHER || install.worker().isEmpty()) {
      return Optional.empty();
    }
    Workload worker = install.worker().get();
    EnvValue workerValue = worker.env(JobEnv.PULL_SECRET);
    if (!workerValue.hasValue() || Objects.equals(workerValue.value(), launcherValue.value())) {
      return Optional.empty();
    }
    String version = install.version().map(v -> "Airbyte " + v).orElse("This Airbyte version");
    String launcherState =
        launcherValue.hasValue()
            ? "where it is '" + launcherValue.value() + "' (" + launcherValue.origin() + ")"
            : launcherValue.isSet()
                ? "where it is empty (" + launcherValue.origin() + ")"
                : "where it is not set";
    List<String> wanted = mergedNames(workerValue, launcherValue);
    return Optional.of(
        result(
                launcherValue.hasValue() ? Status.WARN : Status.FAIL,
                launcher,
                JobEnv.PULL_SECRET
                    + " is set on deployment/"
                    + worker.name()
                    + " to '"
                    + workerValue.value()
                    + "', but "
                    + version
                    + " reads it on deployment/"
                    + launcher.name()
                    + ", "
                    + launcherState
                    + ". The value on deployment/"
                    + worker.name()
                    + " has no effect; job pods "
                    + (launcherValue.hasValue()
                        ? "get only the launcher's list."
                        : "get no imagePullSecrets and pull anonymously."))
            .withFix(misplacedFix(diagnosis, launcher, launcherValue, worker, wanted))
            .withEvidence(evidence(install, launcher, launcherValue))
            .withEvidence("workerValue", Objects.requireNonNull(workerValue.value())));
  }

  /**
   * With a list on the launcher, that list is in force and the worker's does nothing: removing it
   * is the fix, naming its secrets too the alternative. Without one, the value moves.
   */
  private static Fix misplacedFix(
      Diagnosis diagnosis,
      Workload launcher,
      EnvValue launcherValue,
      Workload worker,
      List<String> wanted) {
    Fix move =
        Fix.of(
            "Set it on deployment/"
                + launcher.name()
                + " and make it last, then remove it from deployment/"
                + worker.name()
                + ", where it does nothing:",
            concat(
                Fixes.nameSecrets(diagnosis, wanted),
                new Step.UnsetEnv(worker.ref(), JobEnv.PULL_SECRET)));
    if (!launcherValue.hasValue()) {
      return move;
    }
    return Fix.of(
            "The launcher's list is the one in force: remove the value from deployment/"
                + worker.name()
                + ", where it does nothing (and from the worker's extraEnv in your Helm values, if"
                + " it is there):",
            new Step.UnsetEnv(worker.ref(), JobEnv.PULL_SECRET))
        .or(
            Fix.of(
                "if job pods should also get the secrets named on deployment/"
                    + worker.name()
                    + ": name them all on deployment/"
                    + launcher.name()
                    + ", make it last, and remove the value from deployment/"
                    + worker.name()
                    + ":",
                move.steps()));
  }

  /** The names the user meant: both lists, trimmed, without empties or repeats. */
  private static List<String> mergedNames(EnvValue first, EnvValue second) {
    return Stream.of(first.value(), second.value())
        .filter(Objects::nonNull)
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(String::strip)
        .filter(n -> !n.isEmpty())
        .distinct()
        .toList();
  }

  private static Result unset(Diagnosis diagnosis, Workload launcher, EnvValue value) {
    AirbyteInstall install = diagnosis.install();
    List<ValuesHints.Ignored> ignored = ValuesHints.pullSecret(install);
    String state =
        value.isSet()
            ? "is empty on deployment/" + launcher.name() + " (" + value.origin() + ")"
            : "is not set on deployment/" + launcher.name();
    List<TargetImage> needy = new ArrayList<>();
    List<ImageReference> cloudRefs = new ArrayList<>();
    List<String> cloud = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> ref = image.reference();
      if (ref.isEmpty()) {
        continue;
      }
      RegistryKind kind = RegistryHosts.kind(ref.get().domain());
      if (RegistryHosts.isCloudRegistry(kind)) {
        cloud.add(image.effective());
        cloudRefs.add(ref.get());
      } else if (kind != RegistryKind.DOCKER_HUB && kind != RegistryKind.LOCAL) {
        needy.add(image);
      }
    }
    String base = JobEnv.PULL_SECRET + " " + state + ", so job pods get no imagePullSecrets";
    if (!install.jobPodPullSecrets().isEmpty()) {
      return result(
              Status.PASS,
              launcher,
              base
                  + "; they inherit the imagePullSecrets of service account "
                  + install.jobServiceAccount()
                  + " ("
                  + String.join(", ", install.jobPodPullSecrets())
                  + ")")
          .withEvidence(evidence(install, launcher, value));
    }
    if (!needy.isEmpty()) {
      return anonymousPull(diagnosis, launcher, value, base, needy, ignored);
    }
    if (!ignored.isEmpty()) {
      List<String> meant = ignored.get(0).names();
      return result(Status.WARN, launcher, base + "." + ValuesHints.sentence(install, ignored))
          .withFix(Fix.of("Set it where this chart reads it:", Fixes.nameSecrets(diagnosis, meant)))
          .withEvidence(evidence(install, launcher, value))
          .withEvidence("ignoredValues", ignored.stream().map(ValuesHints.Ignored::key).toList());
    }
    if (!cloud.isEmpty()) {
      return result(
              Status.WARN,
              launcher,
              base
                  + "; "
                  + String.join(", ", cloud)
                  + " can only be pulled if the nodes' own cloud identity has pull access (node"
                  + " IAM role, node service account or AKS kubelet identity).")
          .withFix(
              Fix.of(
                      "Grant the nodes' identity pull access to the registry:",
                      new Step.Manual(
                          "serviceaccount.cloud-identity prints the commands for your cloud", null))
                  .or(
                      Fix.of(
                          "create a pull secret and name it in the launcher:",
                          Fixes.createAndName(diagnosis, cloudRefs.get(0), List.of()))))
          .withEvidence(evidence(install, launcher, value));
    }
    return result(
            Status.PASS,
            launcher,
            base
                + "; that is fine for public images"
                + (diagnosis.images().isEmpty()
                    ? " (no connector image was found to judge)."
                    : " (Docker Hub limits anonymous pulls to 10 per hour per IP)."))
        .withEvidence(evidence(install, launcher, value));
  }

  /**
   * Job pods get no pull secret for images that need one. A secret that already serves them is
   * named in the fix (often the one in global.imagePullSecrets, which charts before 1.4.0 give only
   * to Airbyte's own pods); otherwise one must be created.
   */
  private static Result anonymousPull(
      Diagnosis diagnosis,
      Workload launcher,
      EnvValue value,
      String base,
      List<TargetImage> needy,
      List<ValuesHints.Ignored> ignored) {
    AirbyteInstall install = diagnosis.install();
    List<String> images = needy.stream().map(TargetImage::effective).toList();
    List<String> serving =
        needy.stream()
            .map(TargetImage::reference)
            .flatMap(Optional::stream)
            .flatMap(ref -> ExistingPullSecrets.serving(diagnosis, ref).stream())
            .distinct()
            .toList();
    StringBuilder message =
        new StringBuilder(base)
            .append(" and the kubelet pulls ")
            .append(String.join(", ", images))
            .append(" anonymously; a private registry answers 401/403.");
    if (!ignored.isEmpty()) {
      // The user named the secrets, under a key this chart does not read: name those.
      message.append(ValuesHints.sentence(install, ignored));
      return result(Status.FAIL, launcher, message.toString())
          .withFix(
              Fix.of(
                  "Set it where this chart reads it:",
                  Fixes.nameSecrets(diagnosis, ignored.get(0).names())))
          .withEvidence(evidence(install, launcher, value))
          .withEvidence("ignoredValues", ignored.stream().map(ValuesHints.Ignored::key).toList());
    }
    if (serving.isEmpty()) {
      return result(Status.FAIL, launcher, message.toString())
          .withFix(
              Fix.of(
                  "Create a pull secret in namespace "
                      + install.jobNamespace()
                      + " and name it in the launcher:",
                  Fixes.createAndName(
                      diagnosis, needy.get(0).reference().orElseThrow(), List.of())))
          .withEvidence(evidence(install, launcher, value));
    }
    String secret = serving.get(0);
    message
        .append(" Secret '")
        .append(secret)
        .append("' in namespace ")
        .append(install.jobNamespace())
        .append(" holds credentials the kubelet would use for them");
    if (ExistingPullSecrets.platformPullSecrets(diagnosis).contains(secret)) {
      message.append(
          "; Airbyte's own pods list it in their imagePullSecrets (global.imagePullSecrets)");
      install
          .chartKeys()
          .filter(k -> !k.imagePullSecretsReachJobs())
          .ifPresent(
              k ->
                  message
                      .append(", which chart ")
                      .append(install.chartVersion().orElse("?"))
                      .append(
                          " does not pass to job pods (charts merge global.imagePullSecrets into"
                              + " JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET only from 1.4.0)"));
    }
    message.append(": name it for job pods too.");
    return result(Status.FAIL, launcher, message.toString())
        .withFix(
            Fix.of("Name it in the launcher:", Fixes.setPullSecretEnv(install, List.of(secret))))
        .withEvidence(evidence(install, launcher, value))
        .withEvidence("servingSecrets", serving);
  }

  private static List<Result> entries(Diagnosis diagnosis, Workload launcher, EnvValue value) {
    AirbyteInstall install = diagnosis.install();
    String raw = Objects.requireNonNull(value.value());
    List<String> names = install.pullSecretNames();
    List<Result> results = new ArrayList<>();
    List<String> cleaned = names.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    // Every bad entry has the same fix: the list as Airbyte should have read it.
    Fix rewrite =
        Fix.of(
            "Write the list without spaces or empty entries:",
            Fixes.nameSecrets(diagnosis, cleaned));
    Map<String, Object> evidence = evidence(install, launcher, value);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name.isEmpty()) {
        results.add(
            result(
                    Status.WARN,
                    launcher,
                    "entry "
                        + (i + 1)
                        + " of "
                        + JobEnv.PULL_SECRET
                        + "='"
                        + raw
                        + "' is empty: job pods get an imagePullSecrets entry without a name, and"
                        + " the kubelet reports FailedToRetrieveImagePullSecret for it.")
                .withFix(rewrite)
                .withEvidence(evidence));
      } else if (!name.equals(name.strip())) {
        results.add(
            result(
                    Status.FAIL,
                    launcher,
                    "entry '"
                        + name
                        + "' of "
                        + JobEnv.PULL_SECRET
                        + "='"
                        + raw
                        + "' has "
                        + (Character.isWhitespace(name.charAt(0)) ? "a leading" : "a trailing")
                        + " space: Airbyte does not trim, so job pods reference a secret named '"
                        + name
                        + "', which cannot exist (secret names have no spaces), and pull without"
                        + " it.")
                .withFix(rewrite)
                .withEvidence(evidence));
      }
    }
    if (results.isEmpty()) {
      String note = raw.endsWith(",") ? " (the trailing comma is dropped by Airbyte)" : "";
      results.add(
          result(
                  Status.PASS,
                  launcher,
                  JobEnv.PULL_SECRET
                      + " is '"
                      + raw
                      + "' on deployment/"
                      + launcher.name()
                      + " ("
                      + value.origin()
                      + "): job pods get imagePullSecrets "
                      + names
                      + note)
              .withEvidence(evidence));
    }
    return results;
  }

  private static List<Step> concat(List<Step> first, Step then) {
    List<Step> all = new ArrayList<>(first);
    all.add(then);
    return all;
  }

  private static Result result(Status status, Workload launcher, String message) {
    return Result.about(INFO, status, launcher.ref(), message);
  }

  private static Map<String, Object> evidence(
      AirbyteInstall install, Workload launcher, EnvValue value) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("launcher", launcher.name());
    evidence.put("component", launcher.component().shortName());
    evidence.put("origin", value.origin());
    if (value.value() != null) {
      evidence.put("value", value.value());
      evidence.put("secretNames", install.pullSecretNames());
    }
    install.version().ifPresent(v -> evidence.put("airbyteVersion", v.text()));
    evidence.put("chart", install.chart().name().toLowerCase(Locale.ROOT));
    return evidence;
  }
}
