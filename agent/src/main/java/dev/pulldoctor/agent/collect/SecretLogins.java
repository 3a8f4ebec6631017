package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.pullsecret.PullSecretLogins;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The login a pull secret holds for one registry, wherever the Secret was read from. */
final class SecretLogins {
  private SecretLogins() {}

  /** The login for {@code registryKey} in {@code secret}, named {@code secretName}. */
  static Optional<Login> find(String secretName, Secret secret, String registryKey) {
    return PullSecretLogins.find(
        secretName,
        Objects.requireNonNullElse(secret.getType(), ""),
        data(secret.getData()),
        data(secret.getStringData()),
        registryKey);
  }

  private static Map<String, String> data(Map<String, String> values) {
    return values == null ? Map.of() : values;
  }
}
