package dev.pulldoctor.rules.rbac;

import java.util.Objects;

/**
 * A resource permission as the RBAC authorizer sees a request: a verb on a resource of an API
 * group, on any object of that resource (no resource name, no subresource).
 *
 * @param verb e.g. {@code create}
 * @param group the API group, empty for the core group
 * @param resource the plural resource, e.g. {@code pods}
 */
public record Permission(String verb, String group, String resource) {

  public Permission {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
  }

  /** The resource the way {@code kubectl auth can-i} names it: {@code pods}, {@code jobs.batch}. */
  public String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** Verb and resource, e.g. {@code watch jobs.batch}. */
  public String display() {
    return verb + " " + qualifiedResource();
  }
}
