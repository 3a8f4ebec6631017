package dev.pulldoctor.rules.airbyte;

import java.util.List;
import java.util.Optional;

/**
 * The Helm values keys of Airbyte's published charts, by chart version, read from the packaged
 * charts users install (airbytehq/helm-charts for chart 0.x and 1.x, airbytehq/charts for 2.x).
 * Every rule that names a values key takes it from here, so a fix never names a key the installed
 * chart does not read. {@code docs/airbyte-versions.md} shows this table with its sources.
 */
public final class ChartFacts {
  private static final String V1_REPO = "https://github.com/airbytehq/helm-charts/blob/main/";
  private static final String V2_REPO = "https://github.com/airbytehq/charts/blob/main/";

  private static final String SNAKE_PULL_SECRET =
      "global.jobs.kube.main_container_image_pull_secret";
  private static final String CAMEL_PULL_SECRET = "global.jobs.kube.mainContainerImagePullSecret";
  private static final String GLOBAL_SA = "global.serviceAccountName";
  private static final String JOBS_SA = "global.jobs.kube.serviceAccountName";
  private static final String CREATED_SA = "serviceAccount.name";

  /** One row: the keys of the charts in {@code range}, and where each was read. */
  public record Row(
      VersionRange range, ChartGeneration generation, ChartKeys keys, List<String> sources) {
    public Row {
      sources = List.copyOf(sources);
    }
  }

  /** The rows, oldest charts first; the ranges do not overlap and leave no gap. */
  public static final List<Row> ROWS =
      List.of(
          new Row(
              VersionRange.before("0.390.0"),
              ChartGeneration.V1,
              chart1Keys(GLOBAL_SA, false, "worker.extraEnv"),
              List.of(
                  V1_REPO
                      + "airbyte-0.50.50.tgz airbyte/templates/env-configmap.yaml:73"
                      + " (JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET from the snake_case key only)",
                  V1_REPO
                      + "airbyte-0.50.50.tgz"
                      + " airbyte/charts/worker/templates/deployment.yaml:158-163"
                      + " (JOB_KUBE_NAMESPACE from fieldRef metadata.namespace;"
                      + " JOB_KUBE_SERVICEACCOUNT from global.serviceAccountName)",
                  V1_REPO
                      + "airbyte-0.383.1.tgz airbyte/values.yaml:832-833"
                      + " (workload-launcher.enabled: false: airbyte-worker launches job pods)")),
          new Row(
              VersionRange.between("0.390.0", "1.4.0"),
              ChartGeneration.V1,
              chart1Keys(GLOBAL_SA, false, "workload-launcher.extraEnv"),
              List.of(
                  V1_REPO
                      + "airbyte-0.390.0.tgz airbyte/values.yaml:833-834"
                      + " (workload-launcher.enabled: true)",
                  V1_REPO
                      + "airbyte-1.3.2.tgz airbyte/templates/env-configmap.yaml:105"
                      + " (global.imagePullSecrets does not reach job pods)",
                  V1_REPO
                      + "airbyte-1.3.2.tgz"
                      + " airbyte/charts/workload-launcher/templates/deployment.yaml:154-159"
                      + " (JOB_KUBE_NAMESPACE from fieldRef; JOB_KUBE_SERVICEACCOUNT from"
                      + " global.serviceAccountName)")),
          new Row(
              VersionRange.between("1.4.0", "1.4.1"),
              ChartGeneration.V1,
              chart1Keys(GLOBAL_SA, true, "workload-launcher.extraEnv"),
              List.of(
                  V1_REPO
                      + "airbyte-1.4.0.tgz airbyte/templates/env-configmap.yaml:103-109"
                      + " (global.imagePullSecrets[*].name joined with the snake_case key)")),
          new Row(
              VersionRange.between("1.4.1", "2.0.0"),
              ChartGeneration.V1,
              chart1Keys(JOBS_SA, true, "workload-launcher.extraEnv"),
              List.of(
                  V1_REPO
                      + "airbyte-1.4.1.tgz"
                      + " airbyte/charts/workload-launcher/templates/deployment.yaml:154-159"
                      + " (JOB_KUBE_SERVICEACCOUNT from global.jobs.kube.serviceAccountName)",
                  V1_REPO + "airbyte-1.8.5.tgz airbyte/templates/env-configmap.yaml:103-109",
                  V1_REPO
                      + "airbyte-1.8.5.tgz airbyte/templates/serviceaccount.yaml:6,19,33"
                      + " (the ServiceAccount, Role and RoleBinding are named after"
                      + " serviceAccount.name)")),
          new Row(
              VersionRange.since("2.0.0"),
              ChartGeneration.V2,
              new ChartKeys(
                  CAMEL_PULL_SECRET,
                  GLOBAL_SA,
                  GLOBAL_SA,
                  CREATED_SA,
                  true,
                  null,
                  null,
                  "workloadLauncher.extraEnv",
                  "airbyte-v2/airbyte"),
              List.of(
                  V2_REPO
                      + "airbyte-2.2.0.tgz airbyte/templates/config/_jobs.tpl:69-71,177"
                      + " (JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET from global.imagePullSecrets"
                      + " and the camelCase key)",
                  V2_REPO
                      + "airbyte-2.2.0.tgz airbyte/templates/config/_jobs.tpl:11-13,36-40"
                      + " (JOB_KUBE_SERVICEACCOUNT from global.serviceAccountName;"
                      + " JOB_KUBE_NAMESPACE from fieldRef; global.jobs.kube.namespace reaches only"
                      + " the ConfigMap)",
                  V2_REPO
                      + "airbyte-2.2.0.tgz airbyte/values.yaml:413"
                      + " (global.jobs.kube.mainContainerImagePullPolicy is read by no"
                      + " template)")));

  private ChartFacts() {}

  /**
   * The keys of a chart before 2.0 (airbytehq/helm-charts): these charts differ only in the key of
   * the job service account, whether global.imagePullSecrets reaches job pods, and where the
   * launcher's extra environment goes.
   */
  private static ChartKeys chart1Keys(
      String jobServiceAccount, boolean imagePullSecretsReachJobs, String launcherExtraEnv) {
    return new ChartKeys(
        SNAKE_PULL_SECRET,
        jobServiceAccount,
        GLOBAL_SA,
        CREATED_SA,
        imagePullSecretsReachJobs,
        null,
        null,
        launcherExtraEnv,
        "airbyte/airbyte");
  }

  /** The keys of the chart with this version; empty when the version is unknown. */
  public static Optional<ChartKeys> keys(AirbyteVersion chartVersion) {
    return ROWS.stream().filter(r -> r.range().contains(chartVersion)).map(Row::keys).findFirst();
  }

  /**
   * The keys when only the generation is known: the newest chart of that generation (what a user
   * upgrading within it gets).
   */
  public static Optional<ChartKeys> keys(ChartGeneration generation) {
    return ROWS.stream()
        .filter(r -> r.generation() == generation)
        .reduce((first, second) -> second)
        .map(Row::keys);
  }
}
