package dev.pulldoctor.agent.cli;

import dev.pulldoctor.rules.text.EditDistance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The known words a mistyped one most likely meant: those it begins (a truncated id), else those
 * within a few typos of it. Empty when nothing is close, so the caller can list every word instead.
 */
final class ClosestWords {
  /** More prefix matches than this say little: the word was too short to mean one of them. */
  private static final int MAX_PREFIX_MATCHES = 3;

  private ClosestWords() {}

  static List<String> to(String typed, List<String> known) {
    String word = typed.strip().toLowerCase(Locale.ROOT);
    if (word.isEmpty()) {
      return List.of();
    }
    List<String> prefixed = new ArrayList<>();
    for (String candidate : known) {
      if (candidate.toLowerCase(Locale.ROOT).startsWith(word)) {
        prefixed.add(candidate);
      }
    }
    if (!prefixed.isEmpty() && prefixed.size() <= MAX_PREFIX_MATCHES) {
      return prefixed;
    }
    // A typo or two per word, never so many that any id matches: 'rules' is not
    // 'rbac.job-launcher'.
    int allowed = Math.max(1, Math.min(3, word.length() / 4));
    int best = Integer.MAX_VALUE;
    List<String> closest = new ArrayList<>();
    for (String candidate : known) {
      int distance = distance(word, candidate.toLowerCase(Locale.ROOT));
      if (distance > allowed || distance > best) {
        continue;
      }
      if (distance < best) {
        best = distance;
        closest.clear();
      }
      closest.add(candidate);
    }
    return closest;
  }

  static int distance(String a, String b) {
    return EditDistance.between(a, b);
  }
}
