package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import dev.pulldoctor.rules.pullsecret.TokenUsernames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a bundle keeps of a Secret: nothing derived from the values of other secrets (their
 * fingerprints would let anyone test guesses such as {@code airbyte}); pull-secret fingerprints
 * keyed with the bundle's {@link BundleKey}; registry usernames masked as the daemon masks them
 * ({@code serve/Usernames}), except the fixed usernames of cloud registry tokens, which name no one
 * and which the token-expiry rule reads.
 */
final class BundleSecrets {
  /** What a username is replaced with; the daemon's mask. */
  static final String USERNAME_MASK = "<username>";

  private final BundleKey key;

  BundleSecrets(BundleKey key) {
    this.key = key;
  }

  /** The secret as the bundle holds it. */
  SecretInfo view(SecretInfo secret) {
    PullSecretView pull = secret.pullSecret();
    Map<String, String> fingerprints = new TreeMap<>();
    if (pull != null) {
      secret.valueFingerprints().forEach((k, v) -> fingerprints.put(k, key.keyed(v)));
    }
    return new SecretInfo(
        secret.namespace(),
        secret.name(),
        secret.type(),
        secret.dataKeys(),
        secret.createdAt(),
        secret.lastWrittenAt(),
        pull == null ? null : view(pull),
        fingerprints);
  }

  private PullSecretView view(PullSecretView view) {
    List<RegistryCredential> credentials = new ArrayList<>(view.credentials().size());
    for (RegistryCredential c : view.credentials()) {
      credentials.add(
          new RegistryCredential(
              c.registryKey(),
              c.keyringKey(),
              username(c.username()),
              c.hasAuth(),
              c.hasUsername(),
              c.hasPassword(),
              c.passwordFingerprint() == null ? null : key.keyed(c.passwordFingerprint())));
    }
    return new PullSecretView(view.secretType(), view.format(), credentials, view.problems());
  }

  static @Nullable String username(@Nullable String name) {
    if (name == null || name.isBlank() || TokenUsernames.isFixed(name)) {
      return name;
    }
    return USERNAME_MASK;
  }
}
