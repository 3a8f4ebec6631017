package dev.pulldoctor.rules.pullsecret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Secret as the kubelet reads an image pull secret ({@code MakeDockerKeyring} and {@code
 * BasicDockerKeyring.Add} in kubernetes/kubernetes {@code pkg/credentialprovider}), keeping only a
 * redacted view. Input comes from the cluster and may be hostile: parsing never throws, and no
 * problem message contains payload text (only redacted registry keys and usernames leave here).
 */
public final class DockerConfigParser {
  /** The largest payload parsed, in decoded bytes: the API server's limit for a whole Secret. */
  static final int MAX_PAYLOAD = 1 << 20;

  private DockerConfigParser() {}

  /**
   * Reads a Secret as a pull secret.
   *
   * <p>The view's format follows the Secret type, so a pull-secret type with a missing, misplaced
   * or undecodable payload still reports that format, with the problem explaining why the kubelet
   * ignores it; the format is null only for other types.
   *
   * @param secretType the Secret's {@code type}
   * @param base64Data the Secret's {@code data}, values base64-encoded as in the API
   * @param stringData the Secret's {@code stringData} (hand-written manifests); wins over {@code
   *     data} for the same key
   * @return the view, or null when the Secret has neither a pull-secret type nor a pull-secret key
   */
  public static @Nullable PullSecretView parse(
      String secretType, Map<String, String> base64Data, Map<String, String> stringData) {
    String type = secretType == null ? "" : secretType;
    try {
      return parseSecret(type, base64Data, stringData);
    } catch (RuntimeException e) {
      // Defence in depth: a bug triggered by hostile input must not stop the agent. The exception
      // is dropped unseen, as its message could quote the payload.
      ParseProblem failed =
          new ParseProblem(
              ProblemCode.ANALYSIS_FAILED,
              null,
              "pulldoctor failed to analyse this secret; its findings for it are incomplete",
              0,
              0);
      return new PullSecretView(type, formatOf(type), List.of(), List.of(failed));
    }
  }

  private static @Nullable PullSecretView parseSecret(
      String type, Map<String, String> data, Map<String, String> stringData) {
    PullSecretFormat format = formatOf(type);
    if (format == null) {
      for (PullSecretFormat held : PullSecretFormat.values()) {
        if (data.containsKey(held.dataKey()) || stringData.containsKey(held.dataKey())) {
          return failed(type, null, ProblemCode.WRONG_TYPE, wrongType(held));
        }
      }
      return null;
    }
    String payload = stringData.get(format.dataKey());
    String encoded = data.get(format.dataKey());
    if (payload == null && encoded != null && !encoded.isEmpty()) {
      if (encoded.length() > MAX_PAYLOAD * 2L) {
        return failed(type, format, ProblemCode.PAYLOAD_TOO_LARGE, tooLarge(format));
      }
      byte[] bytes = GoBase64.decodeStd(encoded);
      if (bytes == null) {
        return failed(type, format, ProblemCode.DATA_NOT_BASE64, notBase64(format));
      }
      if (bytes.length > MAX_PAYLOAD) {
        return failed(type, format, ProblemCode.PAYLOAD_TOO_LARGE, tooLarge(format));
      }
      // Go's decoder turns invalid UTF-8 in JSON strings into U+FFFD, as this does.
      payload = new String(bytes, StandardCharsets.UTF_8);
      Arrays.fill(bytes, (byte) 0);
    }
    if (payload == null || payload.isEmpty()) {
      PullSecretFormat other = otherFormat(format);
      return isPresent(data, stringData, other.dataKey())
          ? failed(type, format, ProblemCode.WRONG_KEY, wrongKey(format, other))
          : failed(type, format, ProblemCode.MISSING_KEY, missingKey(format));
    }
    if (payload.length() > MAX_PAYLOAD) {
      return failed(type, format, ProblemCode.PAYLOAD_TOO_LARGE, tooLarge(format));
    }
    CredentialCollector collector = new CredentialCollector();
    ParseProblem invalidJson = ConfigJsonReader.read(payload, format, collector);
    if (invalidJson != null) {
      return new PullSecretView(type, format, List.of(), List.of(invalidJson));
    }
    return new PullSecretView(type, format, collector.credentials(), collector.problems());
  }

  private static @Nullable PullSecretFormat formatOf(String type) {
    for (PullSecretFormat format : PullSecretFormat.values()) {
      if (format.secretType().equals(type)) {
        return format;
      }
    }
    return null;
  }

  private static PullSecretFormat otherFormat(PullSecretFormat format) {
    return format == PullSecretFormat.DOCKER_CONFIG_JSON
        ? PullSecretFormat.DOCKER_CFG
        : PullSecretFormat.DOCKER_CONFIG_JSON;
  }

  private static boolean isPresent(
      Map<String, String> data, Map<String, String> stringData, String key) {
    String plain = stringData.get(key);
    String encoded = data.get(key);
    return (plain != null && !plain.isEmpty()) || (encoded != null && !encoded.isEmpty());
  }

  private static PullSecretView failed(
      String type, @Nullable PullSecretFormat format, ProblemCode code, String message) {
    return new PullSecretView(
        type, format, List.of(), List.of(new ParseProblem(code, null, message, 0, 0)));
  }

  // The messages below name only pulldoctor's own constants, never anything from the Secret.

  private static String wrongType(PullSecretFormat held) {
    return "the secret holds a "
        + held.dataKey()
        + " key but its type is not "
        + held.secretType()
        + ": the kubelet ignores it";
  }

  private static String missingKey(PullSecretFormat format) {
    return "the secret has no " + format.dataKey() + " key, or it is empty: the kubelet ignores it";
  }

  private static String wrongKey(PullSecretFormat format, PullSecretFormat other) {
    return "the payload is under "
        + other.dataKey()
        + " but type "
        + format.secretType()
        + " is read from "
        + format.dataKey()
        + ": the kubelet ignores the secret";
  }

  private static String notBase64(PullSecretFormat format) {
    return "the data value of "
        + format.dataKey()
        + " is not valid base64, so the API server would refuse this secret";
  }

  private static String tooLarge(PullSecretFormat format) {
    return "the "
        + format.dataKey()
        + " payload is larger than a Secret may be (1 MiB), so it was not read";
  }
}
