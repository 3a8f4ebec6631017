package dev.pulldoctor.rules.rbac;

import java.util.List;
import java.util.Objects;

/**
 * The identity a pod's service account token authenticates as: user {@code
 * system:serviceaccount:<namespace>:<name>} in the groups {@code system:serviceaccounts}, {@code
 * system:serviceaccounts:<namespace>} and {@code system:authenticated}.
 */
public record ServiceAccountUser(String namespace, String name) {

  public ServiceAccountUser {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public String username() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  public List<String> groups() {
    return List.of(
        "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
  }

  /** {@code namespace/name}, as kubectl users read a service account. */
  public String display() {
    return namespace + "/" + name;
  }
}
