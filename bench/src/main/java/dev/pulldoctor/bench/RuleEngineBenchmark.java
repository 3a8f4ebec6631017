package dev.pulldoctor.bench;

import dev.pulldoctor.agent.collect.LargeNamespace;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Item 4 of the harness: the rule engine alone over the large namespace with 1,000 distinct
 * connector images (two job pods each), no I/O. {@link #rules} evaluates {@code Rules.all()} over a
 * prepared {@link Diagnosis}; {@link #diagnosisAndRules} also derives the install and the images
 * from the snapshot, as every run does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RuleEngineBenchmark {
  static final int IMAGES = 1_000;
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private Snapshot snapshot = Snapshot.builder(NOW, source()).build();
  private Diagnosis diagnosis = Diagnosis.of(snapshot, NOW, true, List.of());
  private final RuleEngine engine = new RuleEngine(Rules.all());

  /** Builds the snapshot; {@code pulldoctor.examples} names the examples directory. */
  @Setup
  public void setUp() throws Exception {
    Path examples = Path.of(System.getProperty("pulldoctor.examples", "examples"));
    snapshot =
        Snapshot.builder(NOW, source())
            .addAll(LargeNamespace.objects(examples, LargeNamespace.Size.FULL.withImages(IMAGES)))
            .build();
    diagnosis = Diagnosis.of(snapshot, NOW, true, List.of());
  }

  @Benchmark
  public Report rules() {
    return engine.run(diagnosis, NOW);
  }

  @Benchmark
  public Report diagnosisAndRules() {
    return engine.run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW);
  }

  Diagnosis diagnosis() {
    return diagnosis;
  }

  private static Source source() {
    return new Source(SourceType.CLUSTER, "bench", LargeNamespace.NAMESPACE);
  }
}
