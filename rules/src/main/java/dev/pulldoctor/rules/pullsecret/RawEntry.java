package dev.pulldoctor.rules.pullsecret;

import org.jspecify.annotations.Nullable;

/**
 * One registry entry as the kubelet's JSON decoding leaves it, before {@code auth} is decoded.
 * Lives only while a secret is parsed: it holds secret values.
 *
 * @param registryKey the key as written, unredacted
 * @param username the {@code username} field, null when absent
 * @param password the {@code password} field, null when absent
 * @param auth the {@code auth} field, null when absent
 */
record RawEntry(
    String registryKey,
    @Nullable String username,
    @Nullable String password,
    @Nullable String auth) {

  /** Hides the values, should this record ever reach a log line or a debugger. */
  @Override
  public String toString() {
    return "RawEntry[" + RegistryKeys.redact(registryKey) + "]";
  }
}
