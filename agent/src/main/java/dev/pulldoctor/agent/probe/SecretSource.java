package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.pullsecret.Login;
import java.util.Optional;

/**
 * Where the probe gets the credentials the kubelet would send: read from the live Secret (or the
 * manifest file) when needed, used for the probe, then dropped. Never stored in the snapshot.
 */
@FunctionalInterface
public interface SecretSource {
  /** No secrets at all: probes are anonymous. */
  SecretSource NONE = (namespace, secretName, registryKey) -> Optional.empty();

  /**
   * The login of one entry of one pull secret.
   *
   * @param registryKey the entry's redacted registry key, as the keyring names it
   * @return empty when the secret or the entry does not exist or holds no credentials
   * @throws UnreadableException when the secret could not be read (e.g. 403)
   */
  Optional<Login> login(String namespace, String secretName, String registryKey)
      throws UnreadableException;

  /** The secret could not be read; the message names why, without any secret value. */
  final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadableException(String message) {
      super(message, null, false, false);
    }
  }
}
