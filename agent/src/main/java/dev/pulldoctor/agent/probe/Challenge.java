package dev.pulldoctor.agent.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code WWW-Authenticate} challenge of a registry: {@code Basic realm="…"} or {@code Bearer
 * realm="…",service="…",scope="…"} (RFC 7235 auth-params, quoted or not).
 *
 * @param scheme {@code Basic} or {@code Bearer} as written, or another scheme
 * @param parameters lower-case parameter names to values
 */
record Challenge(String scheme, Map<String, String> parameters) {

  Challenge {
    parameters = Map.copyOf(parameters);
  }

  boolean basic() {
    return scheme.equalsIgnoreCase("Basic");
  }

  boolean bearer() {
    return scheme.equalsIgnoreCase("Bearer");
  }

  @Nullable String parameter(String name) {
    return parameters.get(name);
  }

  /** The first Bearer or Basic challenge among the header values, else the first of any kind. */
  static @Nullable Challenge first(List<String> headerValues) {
    Challenge any = null;
    for (String value : headerValues) {
      Challenge challenge = parse(value);
      if (challenge == null) {
        continue;
      }
      if (challenge.bearer() || challenge.basic()) {
        return challenge;
      }
      if (any == null) {
        any = challenge;
      }
    }
    return any;
  }

  static @Nullable Challenge parse(String header) {
    String text = header.strip();
    int space = text.indexOf(' ');
    String scheme = space < 0 ? text : text.substring(0, space);
    if (scheme.isEmpty()
        || !scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    int i = space < 0 ? text.length() : space + 1;
    while (i < text.length()) {
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
        i++;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          char c = text.charAt(i);
          if (c == '\\' && i + 1 < text.length()) {
            c = text.charAt(++i);
          }
          value.append(c);
          i++;
        }
        i++;
      } else {
        while (i < text.length() && text.charAt(i) != ',') {
          value.append(text.charAt(i++));
        }
      }
      if (!name.isEmpty()) {
        parameters.putIfAbsent(name, value.toString().strip());
      }
    }
    return new Challenge(scheme, parameters);
  }
}
