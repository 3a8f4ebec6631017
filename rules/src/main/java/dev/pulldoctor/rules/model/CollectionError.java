package dev.pulldoctor.rules.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A kind of object that could not be read, e.g. {@code list secrets} answered 403.
 *
 * @param resource the plural resource name, e.g. {@code secrets}
 * @param apiGroup the API group, empty for the core group
 * @param namespace the namespace of the attempt, null for cluster-scoped reads
 * @param verb the verb that failed, e.g. {@code list}
 * @param httpStatus the HTTP status, 0 when no answer came
 * @param reason a short reason safe to print (never a response body)
 */
public record CollectionError(
    String resource,
    String apiGroup,
    @Nullable String namespace,
    String verb,
    int httpStatus,
    String reason) {

  public CollectionError {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean forbidden() {
    return httpStatus == 403;
  }

  /** One line a user can act on, naming the permission that is missing. */
  public String describe() {
    String where = namespace == null ? "cluster-wide" : "in namespace " + namespace;
    String group = apiGroup.isEmpty() ? "" : " (API group " + apiGroup + ")";
    if (forbidden()) {
      return "cannot "
          + verb
          + " "
          + resource
          + " "
          + where
          + ": 403 Forbidden; grant '"
          + verb
          + "' on '"
          + resource
          + "'"
          + group
          + " to the identity running pulldoctor";
    }
    String status = httpStatus == 0 ? "" : " (HTTP " + httpStatus + ")";
    return "cannot " + verb + " " + resource + " " + where + status + ": " + reason;
  }
}
