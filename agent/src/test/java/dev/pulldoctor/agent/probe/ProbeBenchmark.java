package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe of 20 images on 3 registries takes about as long as the slowest registry, not the sum:
 * registries are probed concurrently, each one's images in turn. Three scripted registries answer
 * every request after 15, 30 and 45 ms (like registries near, far and farther away).
 *
 * <p>Run it: {@code mvn -o -q -pl agent -am test -Dtest=ProbeBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; it prints to {@code agent/target/probe-benchmark.txt}.
 */
class ProbeBenchmark {
  private static final Map<Integer, Integer> IMAGES_BY_DELAY = Map.of(15, 8, 30, 7, 45, 5);

  @Test
  void twenty_images_on_three_registries_take_about_the_slowest_registrys_time() throws Exception {
    TestPki pki = TestPki.ca("benchmark CA");
    List<FakeRegistry> registries = new ArrayList<>();
    try {
      Map<String, List<ProbeTarget>> targets = new LinkedHashMap<>();
      for (int delay : List.of(15, 30, 45)) {
        FakeRegistry registry = FakeRegistry.https(pki, request -> answer(request, delay));
        registries.add(registry);
        List<ProbeTarget> images = new ArrayList<>();
        for (int i = 0; i < IMAGES_BY_DELAY.get(delay); i++) {
          images.add(Probes.target(registry.host() + "/team/source-" + i + ":1.0", null));
        }
        targets.put(registry.host() + " (" + delay + " ms per request)", images);
      }
      RegistryProber prober =
          new RegistryProber(
              ProbePolicy.defaults()
                  .allowing(List.of("127.0.0.0/8"))
                  .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)),
              StubResolver.empty(),
              new RecordingConnector(),
              TlsSupport.trusting(pki.trustStore()),
              Proxies.none(),
              SecretSource.NONE,
              "benchmark");
      prober.probe(List.of(targets.values().iterator().next().get(0))); // warm up TLS and JIT

      Map<String, Long> alone = new LinkedHashMap<>();
      long sum = 0;
      for (Map.Entry<String, List<ProbeTarget>> registry : targets.entrySet()) {
        long start = System.nanoTime();
        List<RegistryObservation> seen = prober.probe(registry.getValue());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(seen)
            .allSatisfy(o -> assertThat(o.manifest().outcome()).isEqualTo(ManifestOutcome.FOUND));
        alone.put(registry.getKey(), millis);
        sum += millis;
      }
      List<ProbeTarget> all = targets.values().stream().flatMap(List::stream).toList();
      long start = System.nanoTime();
      List<RegistryObservation> seen = prober.probe(all);
      long together = (System.nanoTime() - start) / 1_000_000;
      long slowest = alone.values().stream().mapToLong(Long::longValue).max().orElseThrow();

      StringBuilder report =
          new StringBuilder("probe of " + all.size() + " images on 3 registries\n");
      alone.forEach(
          (registry, millis) ->
              report
                  .append("  ")
                  .append(registry)
                  .append(" alone: ")
                  .append(millis)
                  .append(" ms\n"));
      report.append("  sum of the registries alone: ").append(sum).append(" ms\n");
      report.append("  slowest registry alone:      ").append(slowest).append(" ms\n");
      report.append("  all 20 images together:      ").append(together).append(" ms\n");
      Files.writeString(Path.of("target", "probe-benchmark.txt"), report, StandardCharsets.UTF_8);
      new PrintStream(System.out, true, StandardCharsets.UTF_8).print(report);

      assertThat(seen).hasSize(20);
      assertThat(together).isLessThan(sum * 3 / 4).isLessThan(slowest * 3 / 2 + 200);
    } finally {
      registries.forEach(FakeRegistry::close);
    }
  }

  /** A registry with one amd64 image per repository, slow by {@code delay} ms per request. */
  private static FakeRegistry.Answer answer(FakeRegistry.Request request, int delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (request.path().equals("/v2/")) {
      return FakeRegistry.Answer.of(200, Map.of(), "{}");
    }
    if (request.path().contains("/blobs/")) {
      return FakeRegistry.Answer.of(
          200,
          Map.of("Content-Type", "application/json"),
          "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    }
    return FakeRegistry.Answer.of(
        200,
        Map.of(
            "Content-Type",
            ImagePusher.MANIFEST,
            "Docker-Content-Digest",
            "sha256:" + "b".repeat(64)),
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + "c".repeat(64) + "\"}}");
  }
}
