package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.SecretInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The fix steps rules share, with the install's real names filled in. */
final class Fixes {
  private static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";

  private Fixes() {}

  /** Quotes a word for a POSIX shell when it needs it; names from the cluster are untrusted. */
  static String shellWord(String word) {
    return Commands.shellWord(word);
  }

  /** A fix that is one command a person runs. */
  static Fix run(String reason, String command) {
    return Fix.of(reason, new Step.Manual("", command));
  }

  /** The {@code --docker-server} value for an image: kubectl's default for Docker Hub. */
  static String dockerServer(ImageReference image) {
    return image.isDockerHub() ? "https://index.docker.io/v1/" : image.apiHost();
  }

  static Step.CreatePullSecret createPullSecret(String name, String namespace, String server) {
    return new Step.CreatePullSecret(namespace, name, server);
  }

  /**
   * A new pull secret for the image's registry and its naming in the launcher: the secret is called
   * after the registry host ({@code registry-example-com-pull}), with a number where that name is
   * taken.
   */
  static List<Step> createAndName(
      Diagnosis diagnosis, ImageReference image, List<String> alsoNamed) {
    AirbyteInstall install = diagnosis.install();
    String base =
        (image.isDockerHub() ? "dockerhub" : image.apiHost())
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "")
            + "-pull";
    String name = base;
    for (int i = 2; diagnosis.snapshot().secret(install.jobNamespace(), name).isPresent(); i++) {
      name = base + "-" + i;
    }
    List<String> names = new java.util.ArrayList<>(alsoNamed);
    names.add(name);
    List<Step> steps = new java.util.ArrayList<>();
    steps.add(createPullSecret(name, install.jobNamespace(), dockerServer(image)));
    steps.addAll(setPullSecretEnv(install, names));
    return steps;
  }

  /**
   * Writing a pull secret over with new credentials: in place when it is a {@code
   * kubernetes.io/dockerconfigjson} secret (pods keep naming it); otherwise a new secret next to
   * it, named instead of it, because the API server never lets a Secret's type change
   * (ValidateSecretUpdate in kubernetes/kubernetes pkg/apis/core/validation) and nothing is
   * deleted.
   */
  static Fix rewriteSecret(
      Diagnosis diagnosis,
      String namespace,
      String name,
      String server,
      @org.jspecify.annotations.Nullable String username,
      @org.jspecify.annotations.Nullable String passwordCommand,
      String inPlaceReason) {
    Optional<SecretInfo> existing = diagnosis.snapshot().secret(namespace, name);
    if (existing.isEmpty() || existing.get().type().equals(DOCKER_CONFIG_JSON)) {
      return Fix.of(
          inPlaceReason,
          new Step.CreatePullSecret(
              namespace, name, server, username, passwordCommand, existing.isPresent()));
    }
    AirbyteInstall install = diagnosis.install();
    String base = name + "-pull";
    String free = base;
    for (int i = 2; diagnosis.snapshot().secret(namespace, free).isPresent(); i++) {
      free = base + "-" + i;
    }
    String fresh = free;
    List<Step> steps = new java.util.ArrayList<>();
    steps.add(
        new Step.CreatePullSecret(namespace, fresh, server, username, passwordCommand, false));
    String reason =
        "Secret "
            + name
            + " has type "
            + existing.get().type()
            + ", and the API server never changes a secret's type: create a pull secret "
            + fresh
            + " and name it instead ("
            + name
            + " is left as it is):";
    List<String> named = install.pullSecretNames().stream().map(String::strip).toList();
    if (named.contains(name)) {
      steps.addAll(
          setPullSecretEnv(
              install,
              install.pullSecretNames().stream()
                  .map(String::strip)
                  .filter(n -> !n.isEmpty())
                  .map(n -> n.equals(name) ? fresh : n)
                  .toList()));
    } else {
      steps.add(
          new Step.Manual(
              "Then name "
                  + fresh
                  + " where "
                  + name
                  + " is named now (e.g. a service account's"
                  + " imagePullSecrets).",
              null));
    }
    return Fix.of(reason, steps);
  }

  /**
   * The fix of a launcher variable read from a ConfigMap key that is gone: the chart renders the
   * key again, and the launcher reads it only when it starts.
   */
  static Fix restoreEnvKey(Workload launcher) {
    return Fix.of(
        "Restore the key in the ConfigMap, then restart the launcher:",
        new Step.Manual(
            "helm upgrade re-renders the ConfigMap with every key the chart defines", null),
        new Step.RestartDeployment(launcher.ref()));
  }

  /** The launcher's deployment; a guess by the usual name when the install has none. */
  static ObjectRef launcher(AirbyteInstall install) {
    return install
        .jobLauncher()
        .map(Workload::ref)
        .orElse(ObjectRef.of("Deployment", install.namespace(), "airbyte-workload-launcher"));
  }

  /**
   * The immediate fix on the running launcher ({@code kubectl set env}), then the values change
   * that makes it survive the next Helm upgrade.
   */
  static List<Step> setPullSecretEnv(AirbyteInstall install, List<String> secretNames) {
    return List.of(
        new Step.SetEnv(launcher(install), JobEnv.PULL_SECRET, String.join(",", secretNames)),
        helmPullSecretValues(install, secretNames));
  }

  /**
   * Names these secrets for job pods, first creating any that does not exist in the job namespace
   * and is not named already (the value the user meant may name a secret that was never made).
   */
  static List<Step> nameSecrets(Diagnosis diagnosis, List<String> secretNames) {
    AirbyteInstall install = diagnosis.install();
    String server =
        diagnosis.firstValidReference().map(Fixes::dockerServer).orElse("<registry-host>");
    List<Step> steps = new java.util.ArrayList<>();
    for (String name : secretNames) {
      if (diagnosis.snapshot().secret(install.jobNamespace(), name).isEmpty()
          && !install.pullSecretNames().contains(name)) {
        steps.add(createPullSecret(name, install.jobNamespace(), server));
      }
    }
    steps.addAll(setPullSecretEnv(install, secretNames));
    return steps;
  }

  /** Sets a launcher variable now and makes it last with the chart key that renders it. */
  static List<Step> setLauncherEnv(
      AirbyteInstall install, String variable, String value, Step lasting) {
    return List.of(new Step.SetEnv(launcher(install), variable, value), lasting);
  }

  /** abctl installs Airbyte as Helm release airbyte-abctl in namespace airbyte-abctl. */
  static boolean isAbctl(AirbyteInstall install) {
    return install.namespace().equals("airbyte-abctl")
        && install.release().map("airbyte-abctl"::equals).orElse(true);
  }

  /** The Helm values that set the job pull secrets, with the keys of the installed chart. */
  static Step helmPullSecretValues(AirbyteInstall install, List<String> secretNames) {
    String value = String.join(",", secretNames);
    Optional<ChartKeys> keys = install.chartKeys();
    if (keys.isEmpty()) {
      return new Step.Manual(
          "set global.jobs.kube.main_container_image_pull_secret (charts 0.x and 1.x) or"
              + " global.jobs.kube.mainContainerImagePullSecret (charts 2.x) to "
              + shellWord(value)
              + " in your Helm values (the installed chart version is unknown; each line ignores"
              + " the other's key)",
          null);
    }
    return helmValues(
        install,
        keys.get(),
        List.of(keys.get().pullSecret() + "=" + value),
        keys.get().imagePullSecretsReachJobs()
            ? "or list the secrets under global.imagePullSecrets, which this chart also passes to"
                + " job pods"
            : null);
  }

  /**
   * {@code helm upgrade --reuse-values} with these values, or for abctl the same values in its
   * values file.
   *
   * @param assignments {@code dotted.key=value}, in order
   */
  static Step helmValues(
      AirbyteInstall install,
      ChartKeys keys,
      List<String> assignments,
      @org.jspecify.annotations.Nullable String note) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      values.put(assignment.substring(0, equals), assignment.substring(equals + 1));
    }
    if (install.release().isEmpty() && !isAbctl(install)) {
      return new Step.Manual(
          "set "
              + String.join(", ", assignments)
              + " in your Helm values and upgrade the release (its name is unknown here: helm"
              + " list -n "
              + shellWord(install.namespace())
              + " shows it)"
              + (note == null ? "" : "; " + note),
          null);
    }
    return new Step.SetHelmValues(
        install.release().orElse("airbyte-abctl"),
        install.namespace(),
        keys.chartReference(),
        values,
        isAbctl(install),
        note);
  }

  /** The steps as lines of text, for rules that mix them into a longer remediation. */
  static String text(List<Step> steps) {
    return Commands.steps(steps);
  }
}
