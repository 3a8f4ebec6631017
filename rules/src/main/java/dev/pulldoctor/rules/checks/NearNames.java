package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.text.EditDistance;
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

  static int distance(String a, String b) {
    return EditDistance.between(a, b);
  }
}
