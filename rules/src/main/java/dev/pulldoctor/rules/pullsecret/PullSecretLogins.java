package dev.pulldoctor.rules.pullsecret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Gives the registry probe the username and password the kubelet would send for one entry of a pull
 * secret, read with the same parser as {@link DockerConfigParser}. The secret values leave the
 * parser only here, and only to the probe.
 */
public final class PullSecretLogins {
  private PullSecretLogins() {}

  /**
   * The login of the entry whose redacted key is {@code registryKey} (as a {@link
   * KubeletKeyring.Match} names it).
   *
   * @param secretName the Secret's name, carried into the login
   * @param secretType the Secret's {@code type}
   * @param base64Data the Secret's {@code data}
   * @param stringData the Secret's {@code stringData}
   * @return the login, empty when the secret or the entry cannot be read or holds no credentials
   */
  public static Optional<Login> find(
      String secretName,
      String secretType,
      Map<String, String> base64Data,
      Map<String, String> stringData,
      String registryKey) {
    try {
      return Optional.ofNullable(read(secretName, secretType, base64Data, stringData, registryKey));
    } catch (RuntimeException e) {
      // As in DockerConfigParser: hostile input must not stop the agent, and the exception text
      // could quote the payload, so it is dropped unseen.
      return Optional.empty();
    }
  }

  private static @Nullable Login read(
      String secretName,
      String secretType,
      Map<String, String> data,
      Map<String, String> stringData,
      String registryKey) {
    PullSecretFormat format = null;
    for (PullSecretFormat candidate : PullSecretFormat.values()) {
      if (candidate.secretType().equals(secretType)) {
        format = candidate;
      }
    }
    if (format == null) {
      return null;
    }
    String payload = stringData.get(format.dataKey());
    String encoded = data.get(format.dataKey());
    if (payload == null
        && encoded != null
        && encoded.length() <= DockerConfigParser.MAX_PAYLOAD * 2L) {
      byte[] bytes = GoBase64.decodeStd(encoded);
      if (bytes == null) {
        return null;
      }
      payload = new String(bytes, StandardCharsets.UTF_8);
      Arrays.fill(bytes, (byte) 0);
    }
    if (payload == null || payload.isEmpty() || payload.length() > DockerConfigParser.MAX_PAYLOAD) {
      return null;
    }
    Map<String, RawEntry> entries = new LinkedHashMap<>();
    CredentialCollector collector =
        new CredentialCollector(
            new CredentialCollector.RawEntrySink() {
              @Override
              public void add(RawEntry entry) {
                // a later duplicate key replaces an earlier one, as in Go's map
                entries.put(entry.registryKey(), entry);
              }

              @Override
              public void clear() {
                entries.clear();
              }
            });
    if (ConfigJsonReader.read(payload, format, collector) != null) {
      return null;
    }
    for (RawEntry entry : entries.values()) {
      if (RegistryKeys.redact(entry.registryKey()).equals(registryKey)) {
        return login(secretName, registryKey, entry);
      }
    }
    return null;
  }

  /** What the kubelet sends: {@code auth} decoded when present, else the separate fields. */
  private static @Nullable Login login(String secretName, String registryKey, RawEntry entry) {
    String auth = entry.auth();
    if (auth != null && !auth.isEmpty()) {
      byte[] decoded = GoBase64.decodeAuth(auth);
      if (decoded == null) {
        return null;
      }
      String text = new String(decoded, StandardCharsets.UTF_8);
      Arrays.fill(decoded, (byte) 0);
      int colon = text.indexOf(':');
      return colon < 0
          ? null
          : new Login(secretName, registryKey, text.substring(0, colon), text.substring(colon + 1));
    }
    String username = entry.username() == null ? "" : entry.username();
    String password = entry.password() == null ? "" : entry.password();
    if (username.isEmpty() && password.isEmpty()) {
      return null;
    }
    return new Login(secretName, registryKey, username, password);
  }
}
