package dev.pulldoctor.rules.airbyte;

/** Names and defaults of the launcher variables that shape connector job pods. */
public final class JobEnv {
  public static final String PULL_SECRET = "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET";
  public static final String NAMESPACE = "JOB_KUBE_NAMESPACE";
  public static final String SERVICE_ACCOUNT = "JOB_KUBE_SERVICEACCOUNT";
  public static final String CONNECTOR_IMAGE_REGISTRY = "JOB_KUBE_CONNECTOR_IMAGE_REGISTRY";
  public static final String PULL_POLICY = "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_POLICY";
  public static final String AIRBYTE_VERSION = "AIRBYTE_VERSION";

  /** {@code ${JOB_KUBE_NAMESPACE:default}} in the launcher's application.yml. */
  public static final String DEFAULT_NAMESPACE = "default";

  /** {@code ${JOB_KUBE_SERVICEACCOUNT:airbyte-admin}} in the launcher's application.yml. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "airbyte-admin";

  private JobEnv() {}
}
