package dev.pulldoctor.agent.probe;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Makes text that came from a server fit for a report: printable, short, and free of secrets. */
final class ProbeText {
  private static final int MESSAGE_MAX = 200;

  private ProbeText() {}

  /** Keeps printable characters only and cuts at {@code max} characters. */
  static String shorten(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return text.length() > max ? out.append('…').toString() : out.toString();
  }

  /**
   * A registry's message, shortened, with every secret the probe sent replaced by {@code
   * [REDACTED]}: a hostile or buggy registry could echo them.
   */
  static @Nullable String scrub(@Nullable String message, List<String> secrets) {
    if (message == null) {
      return null;
    }
    String text = message;
    for (String secret : secrets) {
      if (secret.length() >= 3) {
        text = text.replace(secret, "[REDACTED]");
      }
    }
    return shorten(text, MESSAGE_MAX);
  }

  /** The secret strings of a login as they may travel: password, token, and the Basic form. */
  static List<String> secretForms(String username, String password) {
    return List.of(password, AuthorizationHeader.basicCredentials(username, password));
  }

  /** A duration for messages: whole seconds, or milliseconds below ten seconds. */
  static String duration(java.time.Duration duration) {
    long millis = duration.toMillis();
    return millis < 10_000 ? millis + " ms" : duration.toSeconds() + " s";
  }
}
