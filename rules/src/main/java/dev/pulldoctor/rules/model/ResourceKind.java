package dev.pulldoctor.rules.model;

/**
 * A kind of object the collector lists, by the plural resource name a {@link CollectionError}
 * records when listing it failed.
 */
public enum ResourceKind {
  DEPLOYMENTS("deployments"),
  EVENTS("events"),
  NETWORK_POLICIES("networkpolicies"),
  NODES("nodes"),
  PODS("pods"),
  SECRETS("secrets"),
  SERVICE_ACCOUNTS("serviceaccounts");

  private final String resource;

  ResourceKind(String resource) {
    this.resource = resource;
  }

  /** The plural resource name, e.g. {@code serviceaccounts}: {@link CollectionError#resource()}. */
  public String resource() {
    return resource;
  }
}
