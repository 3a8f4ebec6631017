package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pulldoctor.agent.collect.PullSecretUsernames;
import dev.pulldoctor.rules.redact.SecretText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes values that look secret from Kubernetes objects on their way into a bundle, and lists
 * each one it removes:
 *
 * <ul>
 *   <li>values of environment variables, ConfigMap keys and annotations whose name contains {@code
 *       PASSWORD}, {@code PASSWD}, {@code SECRET}, {@code TOKEN}, {@code KEY} or {@code CREDENTIAL}
 *       (any case), and of command-line flags so named;
 *   <li>in any string, whatever {@link SecretText} (the one redactor of every output) finds: URL
 *       user information, {@code Basic}/{@code Bearer} credentials, values of secret-looking keys
 *       and flags, and the run's pull-secret passwords in any encoding; and the pull secrets'
 *       usernames;
 *   <li>{@code kubectl.kubernetes.io/last-applied-configuration}, which repeats the whole object;
 *   <li>ConfigMap {@code binaryData}.
 * </ul>
 *
 * {@code metadata.managedFields} is dropped too (it holds no values, only bulk). The one name kept
 * despite the pattern is {@code JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET}: its value is a list of
 * Secret names, which the rules need.
 */
final class Redactor {
  static final String REDACTED = SecretText.MASK;
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final Pattern SECRET_NAME =
      Pattern.compile("PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|KEY", Pattern.CASE_INSENSITIVE);
  private static final Set<String> NOT_SECRET = Set.of("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET");
  private static final Pattern FLAG = Pattern.compile("(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(=(.*))?");

  private static final int MOST_REMEMBERED = 200_000;

  private final SecretText secrets;
  private final @Nullable Pattern usernames;
  private final List<Redaction> redactions = new ArrayList<>();
  // The pods of one install repeat most strings (env, images, labels): each is redacted once.
  private final Map<String, Redacted> seen = new HashMap<>();
  private String file = "";
  private String object = "";

  /** A redactor with the default rules only, for objects of no particular run. */
  Redactor() {
    this(SecretText.DEFAULT, Set.of());
  }

  /**
   * @param secrets the run's redactor, which knows its pull-secret passwords
   * @param usernames the pull-secret usernames to mask wherever they appear
   */
  Redactor(SecretText secrets, Set<String> usernames) {
    this.secrets = secrets;
    this.usernames = PullSecretUsernames.pattern(usernames);
  }

  /** Everything removed so far, in the order it was removed. */
  List<Redaction> redactions() {
    return List.copyOf(redactions);
  }

  /** Adds an entry for a value removed before the object reached the redactor. */
  void record(Redaction redaction) {
    redactions.add(redaction);
  }

  /**
   * Redacts one object in place.
   *
   * @param file the bundle file that will hold it
   * @param index its position in the file's {@code items}
   */
  void object(String file, int index, ObjectNode node) {
    this.file = file;
    this.object = describe(node);
    JsonPath at = JsonPath.ROOT.field("items").index(index);
    if (node.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove("managedFields");
    }
    if ("ConfigMap".equals(node.path("kind").asText())) {
      configMapData(node, at);
    }
    walk(node, at);
  }

  /** Redacts every string of a tree pulldoctor wrote itself (observations of the run). */
  void tree(String file, ObjectNode node) {
    this.file = file;
    this.object = file;
    walk(node, JsonPath.ROOT);
  }

  private void configMapData(ObjectNode configMap, JsonPath at) {
    if (configMap.get("data") instanceof ObjectNode data) {
      named(data, at.field("data"));
    }
    if (configMap.get("binaryData") instanceof ObjectNode binary) {
      JsonPath path = at.field("binaryData");
      List<String> keys = fieldNames(binary);
      for (String key : keys) {
        remove(path.field(key), "binary-data");
        binary.put(key, REDACTED);
      }
    }
  }

  private void walk(ObjectNode node, JsonPath at) {
    for (String name : fieldNames(node)) {
      JsonNode child = node.get(name);
      JsonPath path = at.field(name);
      if (name.equals("annotations") && child instanceof ObjectNode annotations) {
        annotations(annotations, path);
      } else if (name.equals("env") && child instanceof ArrayNode env) {
        env(env, path);
      } else if ((name.equals("args") || name.equals("command")) && child instanceof ArrayNode a) {
        flags(a, path);
      } else if (name.equals("data") && "ConfigMap".equals(node.path("kind").asText())) {
        // configMapData has handled it: the key names decide, not only URLs.
      } else if (child.isTextual()) {
        String text = child.asText();
        String redacted = text(text, path);
        if (!redacted.equals(text)) {
          node.put(name, redacted);
        }
      } else {
        walkChild(child, path);
      }
    }
  }

  private void walkChild(JsonNode child, JsonPath path) {
    if (child instanceof ObjectNode object) {
      walk(object, path);
    } else if (child instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        if (item.isTextual()) {
          String text = item.asText();
          String redacted = text(text, path.index(i));
          if (!redacted.equals(text)) {
            array.set(i, TextNode.valueOf(redacted));
          }
        } else {
          walkChild(item, path.index(i));
        }
      }
    }
  }

  private void annotations(ObjectNode annotations, JsonPath at) {
    for (String key : fieldNames(annotations)) {
      String value = annotations.path(key).asText();
      if (key.equals(LAST_APPLIED) && !value.isEmpty()) {
        remove(at.field(key), "last-applied-configuration");
        annotations.put(key, REDACTED);
      }
    }
    named(annotations, at);
  }

  /** A map of name → value, e.g. ConfigMap data or annotations. */
  private void named(ObjectNode map, JsonPath at) {
    for (String key : fieldNames(map)) {
      JsonNode node = map.get(key);
      if (!node.isTextual()) {
        continue;
      }
      String value = node.asText();
      if (value.equals(REDACTED)) {
        continue;
      }
      String kind = secretKind(key);
      if (kind != null && !value.isEmpty()) {
        remove(at.field(key), kind);
        map.put(key, REDACTED);
      } else {
        String redacted = text(value, at.field(key));
        if (!redacted.equals(value)) {
          map.put(key, redacted);
        }
      }
    }
  }

  private void env(ArrayNode env, JsonPath at) {
    for (int i = 0; i < env.size(); i++) {
      if (!(env.get(i) instanceof ObjectNode variable)) {
        continue;
      }
      JsonPath path = at.index(i);
      JsonNode value = variable.get("value");
      if (value != null && value.isTextual()) {
        String text = value.asText();
        String kind = secretKind(variable.path("name").asText());
        if (kind != null && !text.isEmpty()) {
          remove(path.field("value"), kind);
          variable.put("value", REDACTED);
        } else {
          String redacted = text(text, path.field("value"));
          if (!redacted.equals(text)) {
            variable.put("value", redacted);
          }
        }
      }
      for (String name : fieldNames(variable)) {
        if (!name.equals("value") && !name.equals("name")) {
          walkChild(variable.get(name), path.field(name));
        }
      }
    }
  }

  /** {@code --api-token=VALUE} and {@code --password VALUE} in container commands. */
  private void flags(ArrayNode args, JsonPath at) {
    boolean nextIsSecret = false;
    for (int i = 0; i < args.size(); i++) {
      if (!args.get(i).isTextual()) {
        continue;
      }
      String arg = args.get(i).asText();
      JsonPath path = at.index(i);
      if (nextIsSecret && !arg.startsWith("-") && !arg.isEmpty()) {
        remove(path, "flag-value");
        args.set(i, TextNode.valueOf(REDACTED));
        nextIsSecret = false;
        continue;
      }
      nextIsSecret = false;
      Matcher flag = FLAG.matcher(arg);
      if (flag.matches() && SECRET_NAME.matcher(flag.group(1)).find()) {
        String value = flag.group(3);
        if (value == null) {
          nextIsSecret = true;
          continue;
        }
        if (!value.isEmpty()) {
          remove(path, "flag-value");
          args.set(i, TextNode.valueOf(flag.group(1) + "=" + REDACTED));
          continue;
        }
      }
      String redacted = text(arg, path);
      if (!redacted.equals(arg)) {
        args.set(i, TextNode.valueOf(redacted));
      }
    }
  }

  /**
   * The text with every secret {@link SecretText} finds replaced, and the usernames of the pull
   * secrets masked; each kind of value removed is listed once for {@code at}.
   */
  String text(String text, JsonPath at) {
    Redacted redacted = seen.get(text);
    if (redacted == null) {
      redacted = redact(text);
      if (seen.size() < MOST_REMEMBERED) {
        seen.put(text, redacted);
      }
    }
    for (String kind : redacted.kinds()) {
      remove(at, kind);
    }
    return redacted.text();
  }

  private Redacted redact(String text) {
    List<String> found = new ArrayList<>();
    String redacted = secrets.redact(text, found);
    if (usernames != null) {
      Matcher name = usernames.matcher(redacted);
      if (name.find()) {
        found.add("username");
        redacted = name.replaceAll(Matcher.quoteReplacement(BundleSecrets.USERNAME_MASK));
      }
    }
    return new Redacted(redacted, List.copyOf(new LinkedHashSet<>(found)));
  }

  /** One string as redacted, and the kinds of value it lost. */
  private record Redacted(String text, List<String> kinds) {}

  /**
   * What a value named {@code name} is, by the word that makes it look secret; null when it does
   * not look secret.
   */
  static @Nullable String secretKind(String name) {
    if (NOT_SECRET.contains(name)) {
      return null;
    }
    Matcher word = SECRET_NAME.matcher(name);
    if (!word.find()) {
      return null;
    }
    String kind = word.group().toLowerCase(Locale.ROOT);
    return kind.equals("passwd") ? "password" : kind;
  }

  /** No fingerprint: one of a removed value would let anyone test guesses against it. */
  private void remove(JsonPath path, String kind) {
    redactions.add(new Redaction(file, object, path.toString(), kind, null));
  }

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new ArrayList<>(node.size());
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** {@code Kind namespace/name}, or {@code Kind name} for cluster-scoped objects. */
  static String describe(JsonNode node) {
    JsonNode metadata = node.path("metadata");
    String namespace = metadata.path("namespace").asText("");
    String name = metadata.path("name").asText("");
    return node.path("kind").asText("Object")
        + " "
        + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
