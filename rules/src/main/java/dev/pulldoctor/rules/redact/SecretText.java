package dev.pulldoctor.rules.redact;

import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import dev.pulldoctor.rules.pullsecret.SecretFingerprint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one redactor of free text that pulldoctor shows or writes (every report format, the daemon's
 * pages, support bundles). It replaces with {@value #MASK}:
 *
 * <ul>
 *   <li>the user information of URLs ({@code scheme://user:password@host});
 *   <li>{@code Basic}/{@code Bearer} credentials (HTTP and OTEL {@code Authorization} headers);
 *   <li>values of secret-looking keys: {@code KEY=value}, {@code "KEY":"value"}, {@code KEY: value}
 *       at a line start, Kubernetes {@code name}/{@code value} pairs, {@code --flag value}, {@code
 *       -p value}, JDBC {@code ?password=}, {@code -Dx.Password=} in {@code JAVA_OPTS}, and the
 *       connection-string keys troubleshoot.sh redacts by default ({@link DefaultRules});
 *   <li>AWS access key ids;
 *   <li>the passwords of the pull secrets the run read, in any of the encodings a registry or a
 *       tool may echo them in: as is, URL-encoded, hex, base64 of the password or of {@code
 *       user:password}, JSON {@code \\u} escapes. The passwords themselves are never held: a word
 *       of the text is matched by its {@link SecretFingerprint} against the pull-secret views'
 *       password fingerprints, so this class needs nothing the snapshot does not already keep.
 *       Those are keyed per process, so only fingerprints made by this process find anything.
 * </ul>
 */
public final class SecretText {
  /** What a removed value is replaced with. */
  public static final String MASK = "REDACTED";

  /** No known passwords: only the default rules and URL user information. */
  public static final SecretText DEFAULT = new SecretText(Set.of());

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
  // Characters that may separate a password from its surroundings inside one word.
  private static final String SEPARATORS = "\"'`,;:=@/&?()[]{}<>|\\";
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");
  private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
  // A word longer than this is not scanned for known passwords (bounds the work per message).
  private static final int LONGEST_WORD = 1024;
  private static final int MOST_BOUNDARIES = 96;

  // One keyed fingerprint per candidate stretch of every string of a bundle: compared as the
  // 48-bit numbers they spell, not as strings, to keep that cheap.
  private final Set<Long> passwordFingerprints;

  private SecretText(Set<String> passwordFingerprints) {
    Set<Long> bits = new HashSet<>();
    for (String fingerprint : passwordFingerprints) {
      OptionalLong parsed = SecretFingerprint.parse(fingerprint);
      if (parsed.isPresent()) {
        bits.add(parsed.getAsLong());
      }
    }
    this.passwordFingerprints = Set.copyOf(bits);
  }

  /** Knows the password fingerprints of every pull secret in {@code snapshot}. */
  public static SecretText of(Snapshot snapshot) {
    Set<String> fingerprints = new TreeSet<>();
    for (SecretInfo secret : snapshot.secrets()) {
      PullSecretView view = secret.pullSecret();
      if (view == null) {
        continue;
      }
      for (RegistryCredential credential : view.credentials()) {
        if (credential.passwordFingerprint() != null) {
          fingerprints.add(credential.passwordFingerprint());
        }
      }
    }
    return fingerprints.isEmpty() ? DEFAULT : new SecretText(fingerprints);
  }

  /**
   * Knows the passwords whose {@link SecretFingerprint}s are given; for tests and callers without
   * one.
   */
  public static SecretText knowing(Set<String> passwordFingerprints) {
    return new SecretText(passwordFingerprints);
  }

  /** {@code text} with every secret replaced by {@value #MASK}. */
  public String redact(String text) {
    return redact(text, new ArrayList<>());
  }

  /**
   * {@code text} with every secret replaced by {@value #MASK}; adds to {@code found} what kind each
   * removed value was ({@code url-credentials}, {@code known-password}, or a default rule's kind).
   */
  public String redact(String text, List<String> found) {
    String out = urls(text, found);
    for (DefaultRules.Rule rule : DefaultRules.ALL) {
      out = rule.apply(out, found);
    }
    if (!passwordFingerprints.isEmpty()) {
      out = knownPasswords(out, found);
    }
    return out;
  }

  /**
   * The text with the user information of every URL replaced. Deliberately blunt: a password may
   * hold {@code /}, {@code @} or {@code #} unescaped and must still never be shown, so when the
   * authority holds a colon the user information runs to the last {@code @} of the URL.
   */
  static String urls(String text, List<String> found) {
    if (text.indexOf('@') < 0 || !text.contains("://")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    int from = 0;
    Matcher scheme = SCHEME.matcher(text);
    while (from < text.length() && scheme.find(from)) {
      int start = scheme.end();
      int end = start;
      while (end < text.length() && !endsUrl(text.charAt(end))) {
        end++;
      }
      int slash = indexOf(text, '/', start, end);
      if (slash < 0) {
        slash = end;
      }
      int colon = indexOf(text, ':', start, end);
      int atSign = lastIndexOf(text, '@', start, colon >= 0 && colon < slash ? end : slash);
      if (atSign > start && !text.startsWith(MASK + "@", start)) {
        found.add("url-credentials");
        out.append(text, copied, start).append(MASK);
        copied = atSign;
        from = atSign;
      } else {
        from = start;
      }
    }
    if (copied == 0) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  private static boolean endsUrl(char c) {
    return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
  }

  private static int indexOf(String text, char c, int from, int to) {
    int i = text.indexOf(c, from);
    return i < 0 || i >= to ? -1 : i;
  }

  private static int lastIndexOf(String text, char c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Replaces every stretch of a word that is, or encodes, a known password. The stretches tried run
   * between separators (or the word's ends), longest first, so {@code user:password} in base64 and
   * a password holding {@code @} are both found whole.
   */
  private String knownPasswords(String text, List<String> found) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (Character.isWhitespace(text.charAt(i))) {
        out.append(text.charAt(i++));
        continue;
      }
      int end = i;
      while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      out.append(
          end - i > LONGEST_WORD ? text.substring(i, end) : word(text.substring(i, end), found));
      i = end;
    }
    return out.toString();
  }

  private String word(String word, List<String> found) {
    List<Integer> bounds = new ArrayList<>();
    bounds.add(0);
    for (int i = 0; i < word.length() && bounds.size() < MOST_BOUNDARIES; i++) {
      char c = word.charAt(i);
      // A JSON \\u escape is part of the encoded password, not a separator.
      boolean escape = c == '\\' && i + 1 < word.length() && word.charAt(i + 1) == 'u';
      if (SEPARATORS.indexOf(c) >= 0 && !escape) {
        bounds.add(i);
        bounds.add(i + 1);
      }
    }
    bounds.add(word.length());
    StringBuilder out = new StringBuilder(word.length());
    int copied = 0;
    for (int a = 0; a < bounds.size(); a++) {
      int start = bounds.get(a);
      if (start < copied) {
        continue;
      }
      for (int b = bounds.size() - 1; b > a; b--) {
        int end = bounds.get(b);
        if (end > start && isKnown(word.substring(start, end))) {
          found.add("known-password");
          out.append(word, copied, start).append(MASK);
          copied = end;
          break;
        }
      }
    }
    return copied == 0 ? word : out.append(word, copied, word.length()).toString();
  }

  private boolean isKnown(String candidate) {
    if (candidate.equals(MASK)) {
      return false;
    }
    List<String> decodings = decodings(candidate);
    for (int i = 0; i < decodings.size(); i++) {
      String decoded = decodings.get(i);
      if (matches(decoded)) {
        return true;
      }
      // Encoded user:password (Basic auth); as written, the part after ':' is its own candidate.
      int colon = decoded.indexOf(':');
      if (i > 0 && colon >= 0 && matches(decoded.substring(colon + 1))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code value}'s {@link SecretFingerprint} is a known password's. */
  private boolean matches(String value) {
    if (value.isEmpty()) {
      return false;
    }
    return passwordFingerprints.contains(
        SecretFingerprint.bits(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** The candidate as written and as each encoding it could be in would decode it. */
  static List<String> decodings(String candidate) {
    List<String> decoded = new ArrayList<>(5);
    decoded.add(candidate);
    if (candidate.indexOf('%') >= 0) {
      String percent = percentDecoded(candidate);
      if (percent != null) {
        decoded.add(percent);
      }
    }
    if (candidate.indexOf('\\') >= 0) {
      decoded.add(jsonUnescaped(candidate));
    }
    if (HEX.matcher(candidate).matches()) {
      decoded.add(new String(HexFormat.of().parseHex(candidate), StandardCharsets.UTF_8));
    }
    if (candidate.length() >= 4 && BASE64.matcher(candidate).matches()) {
      String base64 = base64Decoded(candidate);
      if (base64 != null) {
        decoded.add(base64);
      }
    }
    return decoded;
  }

  private static @Nullable String base64Decoded(String candidate) {
    String standard = candidate.replace('-', '+').replace('_', '/');
    try {
      return new String(Base64.getDecoder().decode(standard), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** RFC 3986 percent-decoding (java.net is off limits to the rules module: it does no I/O). */
  static @Nullable String percentDecoded(String text) {
    byte[] bytes = new byte[text.length()];
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          return null;
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c > 0x7f) {
        return null;
      } else {
        bytes[n++] = (byte) (c == '+' ? ' ' : c);
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** JSON string escapes ({@code \\uXXXX}, {@code \\"}, {@code \\/}, …) undone. */
  static String jsonUnescaped(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 >= text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      if (next == 'u' && i + 4 < text.length()) {
        try {
          out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
          i += 4;
        } catch (NumberFormatException e) {
          out.append('\\').append(next);
        }
      } else {
        out.append(
            switch (next) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case 'b' -> '\b';
              case 'f' -> '\f';
              default -> next;
            });
      }
    }
    return out.toString();
  }
}
