package dev.pulldoctor.rules.pullsecret;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What the kubelet makes of an {@code auths} key, and how pulldoctor shows one safely. */
final class RegistryKeys {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  private RegistryKeys() {}

  /**
   * The key the kubelet files the entry under, as {@code BasicDockerKeyring.Add} computes it:
   * {@code https://} added when neither {@code http://} nor {@code https://} starts the key (case
   * matters), parsed with {@code url.Parse}, a leading {@code /v1} or {@code /v2} removed from a
   * path that continues with {@code /}, and {@code host[:port]} kept with the path unless that is
   * empty or {@code /}. The result is {@link #redact redacted}: odd keys such as {@code
   * HTTPS://user:pass@host} leave userinfo in the path.
   *
   * @return the index key, or null when the kubelet logs the key as invalid and skips the entry
   */
  static @Nullable String keyringKey(String registryKey) {
    String url =
        registryKey.startsWith("https://") || registryKey.startsWith("http://")
            ? registryKey
            : "https://" + registryKey;
    GoUrl.HostPath parsed = GoUrl.parse(url);
    if (parsed == null) {
      return null;
    }
    String path = parsed.path();
    if (path.startsWith("/v1/") || path.startsWith("/v2/")) {
      path = path.substring(3);
    }
    String key = path.isEmpty() || path.equals("/") ? parsed.host() : parsed.host() + path;
    return redact(key);
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
