package dev.pulldoctor.rules.pullsecret;

import dev.pulldoctor.rules.goport.GoBytes;
import dev.pulldoctor.rules.goport.GoUrl;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What the kubelet makes of an {@code auths} key, and how pulldoctor shows one safely. */
final class RegistryKeys {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  private RegistryKeys() {}

  /**
   * The key the kubelet files the entry under, {@link KubeletKeyring#indexKey} (as {@code
   * BasicDockerKeyring.Add} computes it) shown as text and {@link #redact redacted}: odd keys such
   * as {@code HTTPS://user:pass@host} leave userinfo in the path.
   *
   * @return the index key, or null when the kubelet logs the key as invalid and skips the entry
   */
  static @Nullable String keyringKey(String registryKey) {
    try {
      return redact(GoBytes.text(KubeletKeyring.indexKey(GoBytes.of(registryKey))));
    } catch (GoUrl.ParseError e) {
      return null;
    }
  }

  /**
   * The key with everything from the start of its authority up to the last {@code @} replaced by
   * {@code REDACTED}. Deliberately blunter than URL parsing: a password may hold {@code /}, {@code
   * ?} or {@code #} unescaped, and must still never be shown; an {@code @} in a path costs only
   * readability.
   */
  static String redact(String registryKey) {
    int at = registryKey.lastIndexOf('@');
    if (at < 0) {
      return registryKey;
    }
    var scheme = SCHEME.matcher(registryKey);
    int start = scheme.find() ? scheme.end() : 0;
    return registryKey.substring(0, start) + "REDACTED" + registryKey.substring(at);
  }
}
