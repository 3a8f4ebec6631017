package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The problems of a report (fail, error, warn) in the order a reader fixes them: a result that
 * another problem points to comes before it, so the root cause is read before its symptom (past
 * pull failures name the checks they depend on); otherwise fails, then errors, then warnings,
 * install-wide results before those of one image, then the report's order. The table, Markdown and
 * HTML number problems in this order.
 */
public final class ProblemOrder {
  /** Rule ids as words: not inside a longer id, an optional sentence-ending dot after them. */
  private static final Map<String, Pattern> MENTIONS = mentions();

  private ProblemOrder() {}

  public static List<Result> of(Report report) {
    List<Result> problems =
        report.results().stream()
            .filter(r -> r.status().isAtLeast(Status.WARN))
            .sorted(
                Comparator.comparing(Result::status, Comparator.reverseOrder())
                    .thenComparing(r -> r.image() != null))
            .toList();
    List<Result> ordered = new ArrayList<>(problems.size());
    boolean[] visited = new boolean[problems.size()];
    for (int i = 0; i < problems.size(); i++) {
      visit(i, problems, visited, ordered);
    }
    return ordered;
  }

  /** Depth first: what a problem points to is placed before it; a cycle is cut where found. */
  private static void visit(int index, List<Result> problems, boolean[] visited, List<Result> out) {
    if (visited[index]) {
      return;
    }
    visited[index] = true;
    Result problem = problems.get(index);
    Set<String> causes = pointsTo(problem);
    for (int i = 0; i < problems.size(); i++) {
      Result other = problems.get(i);
      if (i != index
          && causes.contains(other.rule())
          && (other.image() == null || Objects.equals(other.image(), problem.image()))) {
        visit(i, problems, visited, out);
      }
    }
    out.add(problem);
  }

  /** The rules a result names as its cause: its dependsOn evidence and the ids in its message. */
  static Set<String> pointsTo(Result result) {
    Set<String> rules = new LinkedHashSet<>();
    rules.addAll(result.dependsOn());
    MENTIONS.forEach(
        (rule, pattern) -> {
          if (pattern.matcher(result.message()).find()) {
            rules.add(rule);
          }
        });
    rules.remove(result.rule());
    return rules;
  }

  private static Map<String, Pattern> mentions() {
    Map<String, Pattern> mentions = new LinkedHashMap<>();
    for (Rule rule : Rules.all()) {
      String id = rule.info().id();
      mentions.put(id, Pattern.compile("(?<![\\w.-])" + Pattern.quote(id) + "(?![\\w-]|\\.\\w)"));
    }
    return Map.copyOf(mentions);
  }
}
