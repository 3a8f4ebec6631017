package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.model.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the objects of a snapshot came from, for formats that point at files: a manifest file and
 * the line its object starts on, an entry of a support bundle, or a stable URI for an object read
 * live.
 */
@FunctionalInterface
public interface SourceLocations {
  /** No object has a known source. */
  SourceLocations NONE = ref -> Optional.empty();

  /**
   * Objects read from a live cluster: each at its {@link #kubernetesUri}, with no line
   * (docs/sarif.md).
   */
  SourceLocations KUBERNETES = ref -> Optional.of(new SourceLocation(kubernetesUri(ref), 0));

  Optional<SourceLocation> of(ObjectRef object);

  /**
   * One place.
   *
   * @param uri a path relative to where the command ran, or an absolute URI
   * @param line the 1-based line the object starts on, or 0 when there is no line
   */
  record SourceLocation(String uri, int line) {}

  /**
   * The URI that names an object in a cluster: {@code k8s://NAMESPACE/KIND/NAME}, and {@code
   * k8s:///KIND/NAME} for a cluster-scoped object. Stable across runs, so code-scanning tools match
   * a finding about the same object from run to run. Names are percent-encoded, since the ones read
   * from files may hold any character.
   */
  static String kubernetesUri(ObjectRef ref) {
    String namespace = ref.namespace() == null ? "" : encode(ref.namespace(), false);
    return "k8s://" + namespace + "/" + encode(ref.kind(), false) + "/" + encode(ref.name(), false);
  }

  /** The URI of a namespace as a whole, {@code k8s://NAMESPACE}: a finding about no one object. */
  static String namespaceUri(String namespace) {
    return "k8s://" + encode(namespace, false);
  }

  /**
   * A file path as a URI reference: a relative path stays relative (code scanning resolves it
   * against the repository root), an absolute path becomes a {@code file:} URI; {@code stdin} stays
   * {@code stdin}.
   */
  static String fileUri(String path) {
    String slashes = path.replace('\\', '/');
    if (slashes.startsWith("/")) {
      return Path.of(path).toUri().toASCIIString();
    }
    return encode(slashes, true);
  }

  /** Percent-encodes all but RFC 3986's unreserved characters (and {@code /} in paths). */
  private static String encode(String text, boolean keepSlashes) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~'
              || (keepSlashes && c == '/');
      if (unreserved) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
