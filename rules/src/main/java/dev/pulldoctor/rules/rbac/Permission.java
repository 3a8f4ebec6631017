package dev.pulldoctor.rules.rbac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * The permissions as a sentence, verbs grouped by resource in the order given: {@code create,
   * patch and list pods and get pods/exec}.
   */
  public static String sentence(List<Permission> permissions) {
    Map<String, List<String>> verbsByResource = new LinkedHashMap<>();
    for (Permission p : permissions) {
      verbsByResource.computeIfAbsent(p.qualifiedResource(), r -> new ArrayList<>()).add(p.verb());
    }
    List<String> parts = new ArrayList<>();
    verbsByResource.forEach((resource, verbs) -> parts.add(and(verbs) + " " + resource));
    return and(parts);
  }

  private static String and(List<String> words) {
    if (words.size() <= 1) {
      return String.join("", words);
    }
    return String.join(", ", words.subList(0, words.size() - 1))
        + " and "
        + words.get(words.size() - 1);
  }

  /** Verb and resource, e.g. {@code watch jobs.batch}. */
  public String display() {
    return verb + " " + qualifiedResource();
  }
}
