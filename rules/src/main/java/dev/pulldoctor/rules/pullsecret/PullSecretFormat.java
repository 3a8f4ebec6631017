package dev.pulldoctor.rules.pullsecret;

/** The two payload shapes the kubelet reads from a Secret. */
public enum PullSecretFormat {
  /**
   * Type {@code kubernetes.io/dockerconfigjson}, key {@code .dockerconfigjson}, {@code
   * {"auths":{…}}}.
   */
  DOCKER_CONFIG_JSON("kubernetes.io/dockerconfigjson", ".dockerconfigjson"),
  /** Legacy type {@code kubernetes.io/dockercfg}, key {@code .dockercfg}, a flat registry map. */
  DOCKER_CFG("kubernetes.io/dockercfg", ".dockercfg");

  private final String secretType;
  private final String dataKey;

  PullSecretFormat(String secretType, String dataKey) {
    this.secretType = secretType;
    this.dataKey = dataKey;
  }

  public String secretType() {
    return secretType;
  }

  public String dataKey() {
    return dataKey;
  }
}
