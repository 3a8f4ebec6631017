package dev.pulldoctor.agent.collect;

import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.rules.pullsecret.Login;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one pull secret from manifest files when the registry probe needs its credentials: the
 * files are read again, so no secret value is kept between reading the snapshot and probing.
 * Standard input ({@code --manifests -}) cannot be read twice: its secrets give no credentials.
 */
public final class ManifestSecrets implements SecretSource {
  private final List<Path> paths;
  private final String defaultNamespace;

  /**
   * A source over manifest files.
   *
   * @param defaultNamespace the namespace of objects written without one (the Airbyte namespace)
   */
  public ManifestSecrets(List<Path> paths, String defaultNamespace) {
    this.paths = List.copyOf(paths);
    this.defaultNamespace = defaultNamespace;
  }

  @Override
  public Optional<Login> login(String namespace, String secretName, String registryKey)
      throws UnreadableException {
    if (paths.stream().anyMatch(ManifestReader::isStdin)) {
      // Standard input was read to its end for the snapshot; it cannot be read again.
      throw new UnreadableException(
          "the manifests came from standard input, which cannot be read again for credentials");
    }
    List<HasMetadata> objects;
    try {
      objects = new ManifestReader().read(paths).objects();
    } catch (InputException e) {
      throw new UnreadableException("the manifests could not be read again");
    }
    for (HasMetadata object : objects) {
      String ns = Objects.requireNonNullElse(object.getMetadata().getNamespace(), defaultNamespace);
      if (object instanceof Secret secret
          && ns.equals(namespace)
          && secretName.equals(secret.getMetadata().getName())) {
        return SecretLogins.find(secretName, secret, registryKey);
      }
    }
    return Optional.empty();
  }
}
