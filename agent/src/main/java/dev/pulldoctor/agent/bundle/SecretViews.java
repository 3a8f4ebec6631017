package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.ParseProblem;
import dev.pulldoctor.rules.pullsecret.ProblemCode;
import dev.pulldoctor.rules.pullsecret.PullSecretFormat;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Secrets in a bundle: {@link SecretInfo}s as {@code kind: SecretView} objects (identity, type, key
 * names, value fingerprints and the redacted pull-secret view), never {@code data}.
 */
final class SecretViews {
  static final String API_VERSION = "pulldoctor/v1";
  static final String KIND = "SecretView";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SecretViews() {}

  static ObjectNode toTree(SecretInfo secret) {
    ObjectNode node = NODES.objectNode();
    node.put("apiVersion", API_VERSION);
    node.put("kind", KIND);
    ObjectNode metadata = node.putObject("metadata");
    metadata.put("name", secret.name());
    metadata.put("namespace", secret.namespace());
    if (secret.createdAt() != null) {
      metadata.put("creationTimestamp", secret.createdAt().toString());
    }
    // Not a Kubernetes field: the newest managedFields time, which token-expiry rules need.
    if (secret.lastWrittenAt() != null) {
      metadata.put("lastWrittenAt", secret.lastWrittenAt().toString());
    }
    node.put("type", secret.type());
    ArrayNode keys = node.putArray("keys");
    secret.dataKeys().forEach(keys::add);
    ObjectNode fingerprints = node.putObject("valueFingerprints");
    secret.valueFingerprints().forEach(fingerprints::put);
    PullSecretView view = secret.pullSecret();
    if (view != null) {
      node.set("pullSecret", view(view));
    }
    return node;
  }

  private static ObjectNode view(PullSecretView view) {
    ObjectNode node = NODES.objectNode();
    node.put("secretType", view.secretType());
    if (view.format() != null) {
      node.put("format", view.format().name());
    }
    ArrayNode credentials = node.putArray("credentials");
    for (RegistryCredential c : view.credentials()) {
      ObjectNode credential = credentials.addObject();
      credential.put("registryKey", c.registryKey());
      putIfPresent(credential, "keyringKey", c.keyringKey());
      putIfPresent(credential, "username", c.username());
      credential.put("hasAuth", c.hasAuth());
      credential.put("hasUsername", c.hasUsername());
      credential.put("hasPassword", c.hasPassword());
      putIfPresent(credential, "passwordFingerprint", c.passwordFingerprint());
    }
    ArrayNode problems = node.putArray("problems");
    for (ParseProblem p : view.problems()) {
      ObjectNode problem = problems.addObject();
      problem.put("code", p.code().name());
      putIfPresent(problem, "registryKey", p.registryKey());
      problem.put("message", p.message());
      problem.put("line", p.line());
      problem.put("column", p.column());
    }
    return node;
  }

  static SecretInfo fromTree(String where, JsonNode node) throws BundleFormatException {
    if (!KIND.equals(node.path("kind").asText())) {
      throw new BundleFormatException(where + " is not a " + KIND);
    }
    JsonNode metadata = node.path("metadata");
    List<String> keys = new ArrayList<>();
    for (JsonNode key : node.path("keys")) {
      keys.add(text(where, key, "keys"));
    }
    Map<String, String> fingerprints = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.path("valueFingerprints").properties()) {
      fingerprints.put(e.getKey(), text(where, e.getValue(), "valueFingerprints"));
    }
    JsonNode view = node.get("pullSecret");
    return new SecretInfo(
        required(where, metadata, "namespace"),
        required(where, metadata, "name"),
        required(where, node, "type"),
        keys,
        time(where, metadata.get("creationTimestamp"), "creationTimestamp"),
        time(where, metadata.get("lastWrittenAt"), "lastWrittenAt"),
        view == null || view.isNull() ? null : view(where + " pullSecret", view),
        fingerprints);
  }

  private static PullSecretView view(String where, JsonNode node) throws BundleFormatException {
    List<RegistryCredential> credentials = new ArrayList<>();
    for (JsonNode c : node.path("credentials")) {
      credentials.add(
          new RegistryCredential(
              required(where, c, "registryKey"),
              optional(where, c, "keyringKey"),
              optional(where, c, "username"),
              c.path("hasAuth").asBoolean(),
              c.path("hasUsername").asBoolean(),
              c.path("hasPassword").asBoolean(),
              optional(where, c, "passwordFingerprint")));
    }
    List<ParseProblem> problems = new ArrayList<>();
    for (JsonNode p : node.path("problems")) {
      problems.add(
          new ParseProblem(
              enumValue(where, ProblemCode.class, required(where, p, "code")),
              optional(where, p, "registryKey"),
              required(where, p, "message"),
              p.path("line").asInt(),
              p.path("column").asInt()));
    }
    String format = optional(where, node, "format");
    return new PullSecretView(
        required(where, node, "secretType"),
        format == null ? null : enumValue(where, PullSecretFormat.class, format),
        credentials,
        problems);
  }

  private static <E extends Enum<E>> E enumValue(String where, Class<E> type, String name)
      throws BundleFormatException {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return constant;
      }
    }
    throw new BundleFormatException(
        where
            + ": unknown "
            + type.getSimpleName()
            + " value (the bundle may come from a newer pulldoctor)");
  }

  private static String required(String where, JsonNode node, String field)
      throws BundleFormatException {
    String value = optional(where, node, field);
    if (value == null) {
      throw new BundleFormatException(where + ": missing " + field);
    }
    return value;
  }

  private static @Nullable String optional(String where, JsonNode node, String field)
      throws BundleFormatException {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : text(where, value, field);
  }

  private static String text(String where, JsonNode value, String field)
      throws BundleFormatException {
    if (!value.isTextual()) {
      throw new BundleFormatException(where + ": " + field + " is not a string");
    }
    return value.asText();
  }

  private static @Nullable Instant time(String where, @Nullable JsonNode value, String field)
      throws BundleFormatException {
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return Instant.parse(text(where, value, field));
    } catch (DateTimeParseException e) {
      throw new BundleFormatException(where + ": " + field + " is not an RFC 3339 time");
    }
  }

  private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
