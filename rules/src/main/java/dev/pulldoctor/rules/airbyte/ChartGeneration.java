package dev.pulldoctor.rules.airbyte;

/**
 * Which Helm chart rendered the install. The two generations spell the job pull-secret value
 * differently, and each silently ignores the other's key.
 */
public enum ChartGeneration {
  /** {@code airbytehq/helm-charts}, chart versions below 2. */
  V1("global.jobs.kube.main_container_image_pull_secret"),
  /** {@code charts/v2/airbyte} in airbytehq/airbyte-platform, chart versions 2 and later. */
  V2("global.jobs.kube.mainContainerImagePullSecret"),
  UNKNOWN(
      "global.jobs.kube.main_container_image_pull_secret (chart v1) or"
          + " global.jobs.kube.mainContainerImagePullSecret (chart v2)");

  private final String pullSecretValuesKey;

  ChartGeneration(String pullSecretValuesKey) {
    this.pullSecretValuesKey = pullSecretValuesKey;
  }

  /** The Helm values key that sets {@code JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET}. */
  public String pullSecretValuesKey() {
    return pullSecretValuesKey;
  }
}
