package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Remediation text with the real names filled in: commands a user can paste. */
final class Fixes {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._:/@,=+%-]+");

  private Fixes() {}

  /** Quotes a word for a POSIX shell when it needs it; names from the cluster are untrusted. */
  static String shellWord(String word) {
    if (!word.isEmpty() && SHELL_SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  /** The {@code --docker-server} value for an image: kubectl's default for Docker Hub. */
  static String dockerServer(ImageReference image) {
    return image.isDockerHub() ? "https://index.docker.io/v1/" : image.apiHost();
  }

  static String createPullSecret(String name, String namespace, String server) {
    return "kubectl create secret docker-registry "
        + shellWord(name)
        + " --docker-server="
        + shellWord(server)
        + " --docker-username=<username> --docker-password=<password-or-token> -n "
        + shellWord(namespace);
  }

  static String launcherName(AirbyteInstall install) {
    return install.jobLauncher().map(Workload::name).orElse("airbyte-workload-launcher");
  }

  /** The immediate fix on the running launcher, followed by the lasting Helm fix. */
  static String setPullSecretEnv(AirbyteInstall install, List<String> secretNames) {
    String value = String.join(",", secretNames);
    return "kubectl set env deployment/"
        + shellWord(launcherName(install))
        + " -n "
        + shellWord(install.namespace())
        + " "
        + shellWord(JobEnv.PULL_SECRET + "=" + value)
        + "\nThen make it last (a Helm upgrade overwrites 'kubectl set env'): "
        + helmPullSecretValues(install, secretNames);
  }

  /** abctl installs Airbyte as Helm release airbyte-abctl in namespace airbyte-abctl. */
  static boolean isAbctl(AirbyteInstall install) {
    return install.namespace().equals("airbyte-abctl")
        && install.release().map("airbyte-abctl"::equals).orElse(true);
  }

  /** The Helm values that set the job pull secrets, with the keys of the installed chart. */
  static String helmPullSecretValues(AirbyteInstall install, List<String> secretNames) {
    String value = String.join(",", secretNames);
    Optional<ChartKeys> keys = install.chartKeys();
    if (keys.isEmpty()) {
      return "set global.jobs.kube.main_container_image_pull_secret (charts 0.x and 1.x) or"
          + " global.jobs.kube.mainContainerImagePullSecret (charts 2.x) to "
          + shellWord(value)
          + " in your Helm values (the installed chart version is unknown; each line ignores the"
          + " other's key)";
    }
    String key = keys.get().pullSecret();
    String set;
    if (isAbctl(install)) {
      set = abctlValues(List.of(key + "=" + value));
    } else {
      set = helmUpgrade(install, keys.get(), List.of(key + "=" + value));
    }
    return keys.get().imagePullSecretsReachJobs()
        ? set
            + " (or list the secrets under global.imagePullSecrets, which this chart also passes to"
            + " job pods)"
        : set;
  }

  /**
   * abctl owns the Helm release and re-applies the user's values file on every install, so the
   * lasting fix goes there, nested: a dotted key written as one YAML key sets nothing.
   */
  static String abctlValues(List<String> assignments) {
    return "add to your abctl values file (values.yaml):\n"
        + valuesYaml(assignments)
        + "and run: abctl local install --values values.yaml";
  }

  /**
   * {@code a.b.c=v} assignments as nested YAML, keys in order, values quoted when YAML needs it.
   */
  static String valuesYaml(List<String> assignments) {
    StringBuilder yaml = new StringBuilder();
    List<String> open = new ArrayList<>();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      List<String> keys = List.of(assignment.substring(0, equals).split("\\."));
      String value = assignment.substring(equals + 1);
      int shared = 0;
      while (shared < open.size()
          && shared < keys.size() - 1
          && open.get(shared).equals(keys.get(shared))) {
        shared++;
      }
      open = new ArrayList<>(open.subList(0, shared));
      for (int depth = shared; depth < keys.size(); depth++) {
        yaml.append("  ".repeat(depth)).append(keys.get(depth)).append(':');
        if (depth == keys.size() - 1) {
          yaml.append(' ').append(RbacFix.scalar(value));
        } else {
          open.add(keys.get(depth));
        }
        yaml.append('\n');
      }
    }
    return yaml.toString();
  }

  /**
   * {@code helm upgrade RELEASE CHART -n NS --reuse-values --set-string K=V...}: {@code
   * --set-string} because every value here is a name ({@code --set} would turn {@code true}, {@code
   * null} or {@code 0123} into other types), each value escaped for Helm's parser (a comma
   * separates assignments, so one inside a value is written {@code \,}) and then quoted for the
   * shell.
   */
  static String helmUpgrade(AirbyteInstall install, ChartKeys keys, List<String> assignments) {
    StringBuilder command =
        new StringBuilder("helm upgrade ")
            .append(shellWord(install.release().orElse("<release>")))
            .append(' ')
            .append(keys.chartReference())
            .append(" -n ")
            .append(shellWord(install.namespace()))
            .append(" --reuse-values");
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      String escaped =
          assignment.substring(0, equals + 1) + helmSetValue(assignment.substring(equals + 1));
      command.append(" --set-string ").append(shellWord(escaped));
    }
    return command.toString();
  }

  /** A value for Helm's {@code --set} family: backslash and comma escaped with a backslash. */
  static String helmSetValue(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,");
  }
}
