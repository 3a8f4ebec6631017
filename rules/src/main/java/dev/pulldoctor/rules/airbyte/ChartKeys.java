package dev.pulldoctor.rules.airbyte;

import org.jspecify.annotations.Nullable;

/**
 * The Helm values keys of one line of Airbyte charts that shape connector job pods, as its
 * templates read them.
 *
 * @param pullSecret the key rendered into {@code JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET}
 * @param jobServiceAccount the key rendered into {@code JOB_KUBE_SERVICEACCOUNT}
 * @param platformServiceAccount the key naming the service account of Airbyte's own pods (the
 *     launcher's included)
 * @param createdServiceAccount the key naming the ServiceAccount, Role and RoleBinding the chart
 *     creates; changing it alone leaves pods on the old name (airbytehq/airbyte#68107)
 * @param imagePullSecretsReachJobs whether {@code global.imagePullSecrets} is merged into the job
 *     pull-secret variable
 * @param jobsNamespace the key that moves job pods to another namespace, or null when none does:
 *     every chart sets {@code JOB_KUBE_NAMESPACE} from the launcher's own namespace (fieldRef)
 * @param pullPolicy the key rendered into {@code JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_POLICY}, or
 *     null when no template renders one (only {@link #launcherExtraEnv} can set it)
 * @param launcherExtraEnv the list of extra environment variables of the deployment that launches
 *     job pods
 * @param chartReference how the Helm repository's chart is usually named in {@code helm upgrade}
 */
public record ChartKeys(
    String pullSecret,
    String jobServiceAccount,
    String platformServiceAccount,
    String createdServiceAccount,
    boolean imagePullSecretsReachJobs,
    @Nullable String jobsNamespace,
    @Nullable String pullPolicy,
    String launcherExtraEnv,
    String chartReference) {

  public static final String IMAGE_PULL_SECRETS = "global.imagePullSecrets";
}
