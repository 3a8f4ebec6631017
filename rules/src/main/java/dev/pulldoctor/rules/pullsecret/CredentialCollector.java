package dev.pulldoctor.rules.pullsecret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns raw entries into redacted {@link RegistryCredential}s as the kubelet would read them, and
 * gathers problems in payload order. Every message passed in or written here is fixed text: the
 * only payload-derived strings that leave this class are redacted registry keys and usernames.
 */
final class CredentialCollector {
  private static final String INVALID_KEY =
      "the kubelet cannot parse this registry key as a URL and skips the entry";
  private static final String AUTH_NOT_BASE64 =
      "'auth' is not valid base64: the kubelet rejects the whole secret, so every pull of the pod"
          + " fails";
  private static final String AUTH_NO_COLON =
      "'auth' does not decode to username:password: the kubelet rejects the whole secret, so every"
          + " pull of the pod fails";
  private static final String AUTH_MISMATCH =
      "'auth' and 'username'/'password' disagree: the kubelet sends what 'auth' holds";
  private static final String NO_CREDENTIALS =
      "the entry has neither 'auth' nor 'username'/'password': it gives the kubelet empty"
          + " credentials";

  /** Keyed by the raw registry key: a later duplicate replaces an earlier one, as in Go's map. */
  private final Map<String, RegistryCredential> credentials = new LinkedHashMap<>();

  private final List<ParseProblem> problems = new ArrayList<>();

  /** Sees the raw entries too; only {@link PullSecretLogins} sets one, to give a probe a login. */
  private final @Nullable RawEntrySink rawEntries;

  /** Receives entries with their secret values; lives only while one payload is read. */
  interface RawEntrySink {
    void add(RawEntry entry);

    void clear();
  }

  CredentialCollector() {
    this(null);
  }

  CredentialCollector(@Nullable RawEntrySink rawEntries) {
    this.rawEntries = rawEntries;
  }

  /** Records a problem that concerns the payload as a whole. */
  void problem(ProblemCode code, String message) {
    problems.add(new ParseProblem(code, null, message, 0, 0));
  }

  /** Records a problem of the entry under {@code registryKey}, which is shown redacted. */
  void entryProblem(ProblemCode code, String registryKey, String message) {
    problems.add(new ParseProblem(code, RegistryKeys.redact(registryKey), message, 0, 0));
  }

  /** Forgets the entries read so far, as Go does when a later {@code "auths": null} resets them. */
  void clearEntries() {
    credentials.clear();
    if (rawEntries != null) {
      rawEntries.clear();
    }
  }

  List<RegistryCredential> credentials() {
    return List.copyOf(credentials.values());
  }

  List<ParseProblem> problems() {
    return List.copyOf(problems);
  }

  void add(RawEntry entry) {
    if (rawEntries != null) {
      rawEntries.add(entry);
    }
    String key = entry.registryKey();
    String keyringKey = RegistryKeys.keyringKey(key);
    if (keyringKey == null) {
      entryProblem(ProblemCode.INVALID_REGISTRY_KEY, key, INVALID_KEY);
    }
    String auth = entry.auth();
    boolean hasAuth = isPresent(auth);
    byte[] username = null;
    byte[] password = null;
    if (auth != null && hasAuth) {
      byte[] decoded = GoBase64.decodeAuth(auth);
      int colon = decoded == null ? -1 : indexOf(decoded, (byte) ':');
      if (decoded == null) {
        entryProblem(ProblemCode.AUTH_NOT_BASE64, key, AUTH_NOT_BASE64);
      } else if (colon < 0) {
        entryProblem(ProblemCode.AUTH_NO_COLON, key, AUTH_NO_COLON);
      } else {
        username = Arrays.copyOfRange(decoded, 0, colon);
        password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        if (disagrees(entry.username(), username) || disagrees(entry.password(), password)) {
          entryProblem(ProblemCode.AUTH_MISMATCH, key, AUTH_MISMATCH);
        }
      }
      wipe(decoded);
    } else {
      username = utf8(entry.username());
      password = utf8(entry.password());
    }
    if (username != null && password != null && username.length == 0 && password.length == 0) {
      entryProblem(ProblemCode.NO_CREDENTIALS, key, NO_CREDENTIALS);
    }
    RegistryCredential credential =
        new RegistryCredential(
            RegistryKeys.redact(key),
            keyringKey,
            username == null || username.length == 0
                ? null
                : new String(username, StandardCharsets.UTF_8),
            hasAuth,
            isPresent(entry.username()),
            isPresent(entry.password()),
            fingerprint(password));
    wipe(password);
    credentials.remove(key);
    credentials.put(key, credential);
  }

  /**
   * The password's {@link SecretFingerprint}: enough to tell whether two secrets hold the same
   * password, not enough to show it or to test a guess against it.
   */
  private static @Nullable String fingerprint(byte @Nullable [] password) {
    if (password == null || password.length == 0) {
      return null;
    }
    return SecretFingerprint.of(password);
  }

  /** A field set next to {@code auth} that differs from what {@code auth} decodes to. */
  private static boolean disagrees(@Nullable String field, byte[] fromAuth) {
    return isPresent(field) && !MessageDigest.isEqual(utf8(field), fromAuth);
  }

  private static boolean isPresent(@Nullable String field) {
    return field != null && !field.isEmpty();
  }

  private static byte[] utf8(@Nullable String field) {
    return field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** Strings cannot be cleared, but the decoded copies can: keep secrets short-lived. */
  private static void wipe(byte @Nullable [] bytes) {
    if (bytes != null) {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
