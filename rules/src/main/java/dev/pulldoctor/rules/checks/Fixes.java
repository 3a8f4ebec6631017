package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.ChartGeneration;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.image.ImageReference;
import java.util.List;
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
    return image.isDockerHub() ? "https://index.docker.io/v1/" : image.domain();
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

  /** The Helm values that set the job pull secrets for the detected chart generation. */
  static String helmPullSecretValues(AirbyteInstall install, List<String> secretNames) {
    String value = String.join(",", secretNames);
    ChartGeneration chart = install.chart();
    String release = install.release().orElse("<release>");
    String key = chart.pullSecretValuesKey();
    String set;
    if (chart == ChartGeneration.UNKNOWN) {
      set = "set " + key + " to " + shellWord(value);
    } else if (isAbctl(install)) {
      // abctl owns the Helm release and re-applies the user's values file on every install.
      set =
          "add "
              + key
              + ": "
              + shellWord(value)
              + " to your abctl values file and run: abctl local install --values values.yaml";
    } else {
      set =
          "helm upgrade "
              + shellWord(release)
              + " "
              + (chart == ChartGeneration.V2 ? "airbyte-v2/airbyte" : "airbyte/airbyte")
              + " -n "
              + shellWord(install.namespace())
              + " --reuse-values --set "
              + shellWord(key + "=" + value);
    }
    boolean globalListWorks =
        chart == ChartGeneration.V2
            || install
                .version()
                .map(v -> v.atLeast(AirbyteVersion.GLOBAL_PULL_SECRETS_FOR_JOBS))
                .orElse(false);
    return globalListWorks
        ? set
            + " (or list the secrets under global.imagePullSecrets, which this chart also passes to"
            + " job pods)"
        : set;
  }
}
