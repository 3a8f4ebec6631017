package dev.pulldoctor.rules.image;

/** The container {@code imagePullPolicy} values. */
public enum PullPolicy {
  ALWAYS("Always"),
  IF_NOT_PRESENT("IfNotPresent"),
  NEVER("Never");

  private final String kubernetesName;

  PullPolicy(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** The value as written in a pod spec. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
