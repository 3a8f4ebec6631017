package dev.pulldoctor.agent.collect;

/**
 * The Kubernetes API could not be reached or refused pulldoctor's credentials, or the kubeconfig
 * saying how to reach it could not be read: exit code 3.
 */
public final class ClusterUnreachableException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClusterUnreachableException(String message) {
    super(message);
  }
}
