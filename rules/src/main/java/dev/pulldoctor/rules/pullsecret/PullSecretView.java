package dev.pulldoctor.rules.pullsecret;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the kubelet would make of a Secret used as an image pull secret, without any secret value.
 *
 * @param secretType the Secret's {@code type}
 * @param format how the kubelet reads the payload; null when it ignores the Secret altogether
 * @param credentials the registry entries, in payload order
 * @param problems everything found wrong, in payload order
 */
public record PullSecretView(
    String secretType,
    @Nullable PullSecretFormat format,
    List<RegistryCredential> credentials,
    List<ParseProblem> problems) {

  public PullSecretView {
    Objects.requireNonNull(secretType, "secretType");
    credentials = List.copyOf(credentials);
    problems = List.copyOf(problems);
  }

  /** True when the kubelet fails every pull of a pod that lists this secret. */
  public boolean breaksPulls() {
    return problems.stream().anyMatch(ParseProblem::fatal);
  }

  /**
   * The secret's registry entries as the kubelet's keyring files them, in payload order. Every rule
   * that asks which secret the kubelet would use for an image builds its keyring from these. Each
   * is filed under the index key the parser computed from the raw key ({@link
   * RegistryCredential#keyringKey}), never re-derived from the shown, redacted key: {@code
   * https://user:pa/ss@host} does not parse and is ignored by the kubelet, while its redacted form
   * would parse and match. (Redaction can only change an index key that holds an {@code @} in its
   * path, and such a key matches no image, whose paths cannot hold one.)
   */
  public List<KubeletKeyring.Entry> keyringEntries(String secretName) {
    return credentials.stream()
        .map(c -> KubeletKeyring.Entry.indexed(secretName, c.registryKey(), c.keyringKey()))
        .toList();
  }

  /** True when the kubelet reads the secret and gets at least one usable registry entry. */
  public boolean usable() {
    return format != null
        && !breaksPulls()
        && credentials.stream().anyMatch(c -> c.keyringKey() != null);
  }
}
