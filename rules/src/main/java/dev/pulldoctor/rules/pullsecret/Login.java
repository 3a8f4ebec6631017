package dev.pulldoctor.rules.pullsecret;

import java.util.Objects;

/**
 * A username and password from a pull secret, as the kubelet would send them. Only the registry
 * probe holds one, for the duration of the probe; it must never be stored, logged or rendered.
 *
 * @param secretName the pull secret it comes from
 * @param registryKey the entry's registry key, redacted
 */
public record Login(String secretName, String registryKey, String username, String password) {

  public Login {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(registryKey, "registryKey");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** Hides the password, should this record ever reach a log line or a debugger. */
  @Override
  public String toString() {
    return "Login[" + secretName + ", " + registryKey + "]";
  }
}
