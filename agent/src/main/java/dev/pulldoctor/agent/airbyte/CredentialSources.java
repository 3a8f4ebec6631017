package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.agent.collect.InputException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds Airbyte client credentials, first source that has both values wins: {@code
 * --airbyte-client-id} with {@code --airbyte-client-secret-file}; the environment ({@code
 * AIRBYTE_CLIENT_ID}, {@code AIRBYTE_CLIENT_SECRET}); the instance admin's in Secret {@code
 * airbyte-auth-secrets} (keys {@code instance-admin-client-id}, {@code
 * instance-admin-client-secret}, as abctl's {@code internal/cmd/local/credentials.go} reads them),
 * read for this run only and never kept in the snapshot.
 */
final class CredentialSources {
  static final String AUTH_SECRET = "airbyte-auth-secrets";
  static final String CLIENT_ID_KEY = "instance-admin-client-id";
  static final String CLIENT_SECRET_KEY = "instance-admin-client-secret";
  private static final Logger logger = LoggerFactory.getLogger(CredentialSources.class);
  private static final int MAX_SECRET_FILE_BYTES = 4096;

  private final List<String> lookedAt = new ArrayList<>();

  /** What was tried and why it gave nothing, for the message when Airbyte wants a login. */
  List<String> lookedAt() {
    return List.copyOf(lookedAt);
  }

  /**
   * The credentials to use, or empty to call Airbyte without a token.
   *
   * @param clientId {@code --airbyte-client-id}
   * @param secretFile {@code --airbyte-client-secret-file}
   * @param env the process environment
   * @param kubernetes the cluster connection, null when no cluster is read
   * @param namespace the Airbyte namespace, where Secret airbyte-auth-secrets lives
   * @throws InputException when the secret file cannot be read or is empty
   */
  Optional<Credentials> find(
      @Nullable String clientId,
      @Nullable Path secretFile,
      Map<String, String> env,
      @Nullable KubernetesClient kubernetes,
      String namespace)
      throws InputException {
    if (clientId != null && secretFile != null) {
      return Optional.of(new Credentials(clientId, readSecretFile(secretFile), Credentials.FLAGS));
    }
    String envId = env.get("AIRBYTE_CLIENT_ID");
    String envSecret = env.get("AIRBYTE_CLIENT_SECRET");
    if (envId != null && !envId.isBlank() && envSecret != null && !envSecret.isBlank()) {
      return Optional.of(
          new Credentials(envId.strip(), envSecret.strip(), Credentials.ENVIRONMENT));
    }
    if (notBlank(envId) || notBlank(envSecret)) {
      logger.warn(
          "only one of AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET is set; both are needed, so the"
              + " environment is not used");
      lookedAt.add("the environment (only one of AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET set)");
    } else {
      lookedAt.add("the environment (AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET not set)");
    }
    if (kubernetes != null) {
      return fromSecret(kubernetes, namespace);
    }
    return Optional.empty();
  }

  private Optional<Credentials> fromSecret(KubernetesClient kubernetes, String namespace) {
    String where = "Secret " + namespace + "/" + AUTH_SECRET;
    Secret secret;
    try {
      secret = kubernetes.secrets().inNamespace(namespace).withName(AUTH_SECRET).get();
    } catch (KubernetesClientException e) {
      // Never log the exception: its text may quote the response.
      logger.debug("cannot read {} (HTTP {})", where, e.getCode());
      lookedAt.add(where + " (not readable: HTTP " + e.getCode() + ")");
      return Optional.empty();
    }
    if (secret == null) {
      lookedAt.add(where + " (not found)");
      return Optional.empty();
    }
    String id = value(secret, CLIENT_ID_KEY);
    String value = value(secret, CLIENT_SECRET_KEY);
    if (id == null || value == null) {
      lookedAt.add(where + " (no " + CLIENT_ID_KEY + " and " + CLIENT_SECRET_KEY + ")");
      return Optional.empty();
    }
    logger.debug("using the instance admin credentials of {}", where);
    return Optional.of(new Credentials(id, value, where));
  }

  private static @Nullable String value(Secret secret, String key) {
    Map<String, String> string = secret.getStringData();
    String plain = string == null ? null : string.get(key);
    if (plain != null && !plain.isBlank()) {
      return plain.strip();
    }
    Map<String, String> data = secret.getData();
    String encoded = data == null ? null : data.get(key);
    if (encoded == null) {
      return null;
    }
    try {
      String decoded =
          new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
      return decoded.isEmpty() ? null : decoded;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String readSecretFile(Path file) throws InputException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SECRET_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new InputException(
          "--airbyte-client-secret-file: cannot read " + file + " (" + reason(e) + ")");
    }
    if (bytes.length > MAX_SECRET_FILE_BYTES) {
      throw new InputException(
          "--airbyte-client-secret-file: "
              + file
              + " is larger than "
              + MAX_SECRET_FILE_BYTES
              + " bytes; it should hold only the client secret");
    }
    String secret = new String(bytes, StandardCharsets.UTF_8).strip();
    if (secret.isEmpty()) {
      throw new InputException("--airbyte-client-secret-file: " + file + " is empty");
    }
    if (secret.indexOf('\n') >= 0) {
      throw new InputException(
          "--airbyte-client-secret-file: "
              + file
              + " has several lines; it should hold only the client secret");
    }
    return secret;
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException
            ? "permission denied"
            : e.getClass().getSimpleName();
  }

  private static boolean notBlank(@Nullable String value) {
    return value != null && !value.isBlank();
  }
}
