package dev.pulldoctor.rules.checks;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Finds names that are probably what the user meant ("did you mean …"). */
final class NearNames {
  private static final int MAX_DISTANCE = 2;

  private NearNames() {}

  static List<String> near(String wanted, Collection<String> candidates) {
    String key = normalise(wanted);
    return candidates.stream()
        .filter(c -> !c.equals(wanted))
        .filter(c -> normalise(c).equals(key) || isClose(key, normalise(c)))
        .sorted(
            Comparator.comparingInt((String c) -> distance(key, normalise(c)))
                .thenComparing(c -> c))
        .limit(3)
        .toList();
  }

  private static String normalise(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }

  private static boolean isClose(String a, String b) {
    return Math.min(a.length(), b.length()) >= 4 && distance(a, b) <= MAX_DISTANCE;
  }

  /** Levenshtein distance; names are short (≤ 253 characters), so the quadratic table is fine. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
