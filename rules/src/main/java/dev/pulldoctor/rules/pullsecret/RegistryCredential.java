package dev.pulldoctor.rules.pullsecret;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redacted view of one registry entry of a pull secret.
 *
 * @param registryKey the key as written, with any {@code user:password@} part replaced by {@code
 *     REDACTED@}
 * @param keyringKey the key the kubelet indexes the entry under ({@code host[:port][/path]}), null
 *     when the kubelet ignores the entry because the key does not parse
 * @param username the username the kubelet sends (decoded from {@code auth} when present), null
 *     when there is none
 * @param hasAuth an {@code auth} field is present and non-empty
 * @param hasUsername a {@code username} field is present and non-empty
 * @param hasPassword a {@code password} field is present and non-empty
 * @param passwordFingerprint the {@link SecretFingerprint} of the password the kubelet sends, for
 *     comparing secrets without showing them (within one process: the key is made per process);
 *     null when there is no password
 */
public record RegistryCredential(
    String registryKey,
    @Nullable String keyringKey,
    @Nullable String username,
    boolean hasAuth,
    boolean hasUsername,
    boolean hasPassword,
    @Nullable String passwordFingerprint) {

  public RegistryCredential {
    Objects.requireNonNull(registryKey, "registryKey");
  }
}
