package dev.pulldoctor.rules.model;

import java.util.Objects;

/**
 * The API server's answer to one SubjectAccessReview made during live collection: may {@code user}
 * do {@code verb} on {@code resource} (in API group {@code group}) in {@code namespace}.
 *
 * @param user the identity asked about, e.g. {@code system:serviceaccount:airbyte:airbyte-admin}
 * @param namespace the namespace of the request
 * @param group the API group, empty for the core group
 * @param resource the resource, e.g. {@code pods}
 * @param verb the verb, e.g. {@code create}
 * @param allowed whether the API server allows it
 */
public record AccessReview(
    String user, String namespace, String group, String resource, String verb, boolean allowed) {

  public AccessReview {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(verb, "verb");
  }
}
