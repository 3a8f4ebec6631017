package dev.pulldoctor.agent.collect;

import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.rules.pullsecret.Login;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Reads one pull secret from the live cluster when the registry probe needs its credentials, and
 * keeps nothing: the fabric8 Secret is dropped (never logged: its toString prints data) as soon as
 * the login is taken from it.
 */
public final class ClusterSecrets implements SecretSource {
  private final KubernetesClient client;

  public ClusterSecrets(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<Login> login(String namespace, String secretName, String registryKey)
      throws UnreadableException {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    } catch (KubernetesClientException e) {
      throw new UnreadableException(
          "reading Secret "
              + secretName
              + " in namespace "
              + namespace
              + " failed"
              + (e.getCode() > 0 ? " (" + e.getCode() + ")" : ""));
    }
    if (secret == null) {
      return Optional.empty();
    }
    return SecretLogins.find(secretName, secret, registryKey);
  }
}
