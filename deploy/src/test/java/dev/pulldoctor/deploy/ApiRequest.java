package dev.pulldoctor.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes API request as the API server's authorizer sees it (k8s.io/apiserver {@code
 * RequestInfoFactory}): verb, API group, resource and subresource, namespace, name. A list or watch
 * with a {@code metadata.name} field selector carries that name, which is how a rule with {@code
 * resourceNames} can allow it. Anything outside {@code /api} and {@code /apis} is a non-resource
 * request.
 *
 * @param nonResourcePath the path of a non-resource request, else null
 */
record ApiRequest(
    String verb,
    String group,
    String resource,
    @Nullable String subresource,
    @Nullable String namespace,
    @Nullable String name,
    @Nullable String nonResourcePath) {

  private static final Pattern SLASH = Pattern.compile("/");
  private static final Pattern AMPERSAND = Pattern.compile("&");
  private static final Pattern COMMA = Pattern.compile(",");

  static ApiRequest parse(String method, String pathAndQuery) {
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    Map<String, String> query =
        question < 0 ? Map.of() : query(pathAndQuery.substring(question + 1));
    List<String> parts = new ArrayList<>();
    for (String part : SLASH.split(path, -1)) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    String group;
    int at;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      at = 2;
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      at = 3;
    } else {
      return new ApiRequest(
          method.toLowerCase(java.util.Locale.ROOT), "", "", null, null, null, path);
    }
    List<String> rest = parts.subList(at, parts.size());
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    } else if (rest.size() == 2 && rest.get(0).equals("namespaces")) {
      // GET /api/v1/namespaces/NAME: the namespace object itself
      rest = List.of("namespaces", rest.get(1));
    }
    if (rest.isEmpty()) {
      return new ApiRequest("get", group, "", null, null, null, path);
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? rest.get(2) : null;
    String verb =
        switch (method) {
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name == null ? "deletecollection" : "delete";
          default -> {
            if (name != null) {
              yield "get";
            }
            String watch = query.getOrDefault("watch", "");
            yield watch.equals("true") || watch.equals("1") ? "watch" : "list";
          }
        };
    if (name == null && (verb.equals("list") || verb.equals("watch"))) {
      for (String selector : COMMA.split(query.getOrDefault("fieldSelector", ""), -1)) {
        String trimmed = selector.strip();
        if (trimmed.startsWith("metadata.name=")) {
          name = trimmed.substring("metadata.name=".length());
        }
      }
    }
    return new ApiRequest(verb, group, resource, subresource, namespace, name, null);
  }

  private static Map<String, String> query(String query) {
    Map<String, String> values = new HashMap<>();
    for (String pair : AMPERSAND.split(query, -1)) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      values.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  /** The resource as RBAC rules name it: {@code pods}, or {@code pods/log}. */
  String ruleResource() {
    return subresource == null ? resource : resource + "/" + subresource;
  }

  @Override
  public String toString() {
    if (nonResourcePath != null) {
      return verb + " " + nonResourcePath;
    }
    return verb
        + " "
        + (group.isEmpty() ? "" : group + "/")
        + ruleResource()
        + (name == null ? "" : " " + name)
        + (namespace == null ? " (cluster)" : " in " + namespace);
  }
}
