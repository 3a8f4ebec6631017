package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.RegistryCredential;
import dev.pulldoctor.rules.pullsecret.TokenUsernames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The registry usernames of the collected pull secrets, and how to find them in other text: the
 * daemon's pages and a bundle's files both mask them. The fixed usernames of cloud registry tokens
 * ({@code AWS}, {@code oauth2accesstoken}, …) name no one and are left out.
 */
public final class PullSecretUsernames {
  // Characters that may continue a username; a match must not be part of a longer word.
  private static final String WORD = "[\\p{Alnum}._@+-]";

  private PullSecretUsernames() {}

  /** The usernames of every pull secret among {@code secrets}, sorted. */
  public static Set<String> of(List<SecretInfo> secrets) {
    Set<String> names = new TreeSet<>();
    for (SecretInfo secret : secrets) {
      PullSecretView view = secret.pullSecret();
      if (view == null) {
        continue;
      }
      for (RegistryCredential credential : view.credentials()) {
        String name = credential.username();
        if (name != null && !name.isBlank() && !TokenUsernames.isFixed(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /**
   * A pattern matching any of {@code names} as a whole word, the longest first so that a name
   * containing another is masked whole; null when there are none.
   */
  public static @Nullable Pattern pattern(Set<String> names) {
    if (names.isEmpty()) {
      return null;
    }
    List<String> longestFirst = new ArrayList<>(names);
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    StringBuilder alternatives = new StringBuilder();
    for (String name : longestFirst) {
      alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(name));
    }
    return Pattern.compile("(?<!" + WORD + ")(?:" + alternatives + ")(?!" + WORD + ")");
  }
}
