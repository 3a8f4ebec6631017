package dev.pulldoctor.agent.cli;

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

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
