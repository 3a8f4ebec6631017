package dev.pulldoctor.rules.pullsecret;

import dev.pulldoctor.rules.goport.GoBytes;
import dev.pulldoctor.rules.goport.GoUrl;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What the kubelet makes of an {@code auths} key, and how pulldoctor shows one safely. */
final class RegistryKeys {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  // What url.Parse leaves as host and empty port of a key written with another scheme's spelling.
  private static final Pattern LEFTOVER_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

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
      return redactIndexKey(GoBytes.text(KubeletKeyring.indexKey(GoBytes.of(registryKey))));
    } catch (GoUrl.ParseError e) {
      return null;
    }
  }

  /**
   * An index key shown safely and still matched as the kubelet matches it. The keyring parses an
   * index key again for matching ({@code ParseSchemelessURL}: {@code https://} is put in front
   * unless it starts with {@code http://} or {@code https://}). Where the last {@code @} falls in
   * that parse's authority it is user information, and {@link #redact} keeps the host. Where it
   * falls in the path ({@code reg.example.com/x@evil.io}, or the {@code //u:pw@host} that {@code
   * HTTPS://u:pw@host} leaves), {@link #redact}'s {@code REDACTED@evil.io} would parse as host
   * {@code evil.io} and match images the kubelet never sends the key for; so the authority and the
   * leading slashes stay (the authority only when it is a scheme left over, such as {@code HTTPS:},
   * since {@code https://u:12/pw@host} leaves user and password digits there as host and port;
   * otherwise {@code REDACTED}, a one-label host no image's registry has).
   */
  static String redactIndexKey(String indexKey) {
    int at = indexKey.lastIndexOf('@');
    if (at < 0) {
      return indexKey;
    }
    int prefix =
        indexKey.startsWith("https://") || indexKey.startsWith("http://") ? 0 : "https://".length();
    String parsed = "https://".substring(0, prefix) + indexKey;
    int authority = parsed.indexOf("://") + 3;
    int slash = parsed.indexOf('/', authority);
    if (slash < 0 || at + prefix < slash) {
      return redact(indexKey);
    }
    int pathStart = slash;
    while (pathStart < at + prefix && parsed.charAt(pathStart) == '/') {
      pathStart++;
    }
    String host = parsed.substring(authority, slash);
    String kept =
        LEFTOVER_SCHEME.matcher(host).matches()
            ? indexKey.substring(0, slash - prefix)
            : "REDACTED";
    return kept + parsed.substring(slash, pathStart) + "REDACTED" + indexKey.substring(at);
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
