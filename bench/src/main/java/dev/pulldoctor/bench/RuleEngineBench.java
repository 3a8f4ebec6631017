package dev.pulldoctor.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link RuleEngineBenchmark} with JMH (one fork) and turns reports per second into results.
 */
final class RuleEngineBench {
  private RuleEngineBench() {}

  static List<Row> run(Path root) throws Exception {
    Path examples = root.resolve("examples");
    RuleEngineBenchmark probe = new RuleEngineBenchmark();
    System.setProperty("pulldoctor.examples", examples.toString());
    probe.setUp();
    int results = probe.rules().results().size();
    int images = probe.diagnosis().images().size();
    Bench.progress("JMH: rule engine over " + images + " images, " + results + " results per run…");
    Collection<RunResult> runs =
        new Runner(
                new OptionsBuilder()
                    .include(RuleEngineBenchmark.class.getName())
                    .forks(1)
                    .warmupIterations(5)
                    .warmupTime(TimeValue.seconds(2))
                    .measurementIterations(10)
                    .measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend("-Dpulldoctor.examples=" + examples, "-Xmx1g")
                    .verbosity(VerboseMode.SILENT)
                    .build())
            .run();
    List<Row> rows = new ArrayList<>();
    for (RunResult run : runs) {
      Result<?> score = run.getPrimaryResult();
      String method = run.getParams().getBenchmark();
      String name = method.substring(method.lastIndexOf('.') + 1);
      rows.add(
          Row.of(
              "rules",
              "JMH `"
                  + name
                  + "`: "
                  + (name.equals("rules")
                      ? "RuleEngine over Rules.all(), Diagnosis prepared"
                      : "Diagnosis.of (install, image inventory) + RuleEngine")
                  + ", "
                  + images
                  + " images",
              String.format(
                  Locale.ROOT,
                  "%,.0f results/s (%.2f ± %.2f runs/s × %d results)",
                  score.getScore() * results,
                  score.getScore(),
                  score.getScoreError(),
                  results)));
    }
    return rows;
  }
}
