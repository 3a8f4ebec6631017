package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Size and creation time of a bundle for an install with 2,000 job pods and 10,000 events (targets:
 * under 5 MB, under 10 s). Not a timed test: it prints its numbers and asserts nothing. Run it with
 *
 * <pre>
 * mvn -o -q -Djacoco.skip=true -pl agent -am test -Dtest=BundleBenchmark -Dpulldoctor.bench=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false &amp;&amp; cat agent/target/bundle-benchmark.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "pulldoctor.bench", matches = "true")
class BundleBenchmark {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final int JOB_PODS = 2_000;
  private static final int EVENTS = 10_000;

  @TempDir Path dir;

  @Test
  void bundle_of_2000_job_pods_and_10000_events() throws Exception {
    Snapshot snapshot = largeInstall();
    Path file = dir.resolve("bench.tar.gz");
    List<String> lines = new ArrayList<>();
    lines.add(
        "install: "
            + snapshot.pods().size()
            + " pods ("
            + JOB_PODS
            + " job pods), "
            + snapshot.events().size()
            + " events");
    for (int round = 1; round <= 2; round++) {
      long start = System.nanoTime();
      BundleWriter.Written written =
          BundleWriter.write(
              new BundleRequest(snapshot, List.of(), true, NOW, "bench", null), file);
      long created = System.nanoTime();
      Bundle read = new BundleReader().read(file);
      long analyzed = System.nanoTime();
      long uncompressed =
          BundleContents.build(new BundleRequest(snapshot, List.of(), true, NOW, "bench", null))
              .files()
              .values()
              .stream()
              .mapToLong(b -> b.length)
              .sum();
      lines.add(
          String.format(
              Locale.ROOT,
              "run %d: %.1f MB uncompressed; bundle %.2f MB (%d bytes, %d values redacted), created"
                  + " in %.2f s, read back in %.2f s (%d pods)",
              round,
              uncompressed / 1e6,
              written.bytes() / 1e6,
              written.bytes(),
              written.redactions(),
              (created - start) / 1e9,
              (analyzed - created) / 1e9,
              read.snapshot().pods().size()));
    }
    BundleContents.build(new BundleRequest(snapshot, List.of(), true, NOW, "bench", null))
        .files()
        .forEach(
            (name, content) ->
                lines.add(
                    String.format(
                        Locale.ROOT,
                        "  %-32s %,12d bytes %,11d tokens",
                        name,
                        content.length,
                        tokens(name, content))));
    String report = String.join("\n", lines) + "\n";
    Files.writeString(Path.of("target", "bundle-benchmark.txt"), report, StandardCharsets.UTF_8);
    System.out.print(report);
  }

  /**
   * The healthy example with its check pod copied 2,000 times and its events 10,000 times. Every
   * copy gets its own job id, uid, auto id, pod IP and timestamps, as real job pods do, so that the
   * copies do not compress better than real ones.
   */
  private static Snapshot largeInstall() throws Exception {
    Snapshot example =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    KubernetesSerialization serialization = new KubernetesSerialization();
    Snapshot.Builder builder = Snapshot.builder(NOW, example.source());
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(example.deployments());
    objects.addAll(example.configMaps());
    objects.addAll(example.serviceAccounts());
    objects.addAll(example.roles());
    objects.addAll(example.roleBindings());
    objects.addAll(example.pods());
    builder.addAll(objects);
    example.secrets().forEach(builder::secret);
    Pod jobPod =
        example.pods().stream()
            .filter(p -> p.getMetadata().getName().startsWith("source-acme-check"))
            .findFirst()
            .orElseThrow();
    String podJson = serialization.asJson(jobPod);
    String jobId = "0f0a0253-32d9-4c07-8857-9d6a5321fa56";
    Random random = new Random(42);
    List<String> podNames = new ArrayList<>();
    for (int i = 0; i < JOB_PODS; i++) {
      String newJobId = new UUID(random.nextLong(), random.nextLong()).toString();
      String name = "source-acme-check-" + newJobId + "-0-" + suffix(random);
      String json =
          podJson
              .replace("source-acme-check-" + jobId + "-0-bhuip", name)
              .replace(jobId, newJobId)
              .replace(
                  "0be710f1-c71c-473b-88a1-34b89281244a",
                  new UUID(random.nextLong(), random.nextLong()).toString())
              .replace(
                  "41049a28-96c7-4ded-a0a4-6a80408be055",
                  new UUID(random.nextLong(), random.nextLong()).toString())
              .replace("10.42.35.142", "10.42." + random.nextInt(256) + "." + random.nextInt(256))
              .replace(
                  "2026-11-12T10:05:3",
                  String.format(
                      Locale.ROOT,
                      "2026-11-%02dT%02d:%02d:3",
                      1 + random.nextInt(22),
                      random.nextInt(24),
                      random.nextInt(60)));
      builder.add(serialization.unmarshal(json, Pod.class));
      podNames.add(name);
    }
    List<Event> events = example.events();
    for (int i = 0; i < EVENTS; i++) {
      Event event = serialization.clone(events.get(i % events.size()));
      String pod = podNames.get(random.nextInt(podNames.size()));
      event.getMetadata().setName(pod + "." + Long.toHexString(random.nextLong()));
      event.getMetadata().setUid(new UUID(random.nextLong(), random.nextLong()).toString());
      event.getInvolvedObject().setName(pod);
      if (event.getMessage() != null) {
        event.setMessage(event.getMessage().replaceAll("source-acme-check-[0-9a-z-]+", pod));
      }
      builder.add(event);
    }
    return builder.build();
  }

  private static long tokens(String name, byte[] content) {
    JsonFactory factory =
        name.endsWith(".json")
            ? new JsonFactory()
            : name.endsWith(".yaml") ? YAMLFactory.builder().loaderOptions(big()).build() : null;
    if (factory == null) {
      return 0;
    }
    long count = 0;
    try (JsonParser parser = factory.createParser(content)) {
      while (parser.nextToken() != null) {
        count++;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return count;
  }

  private static org.yaml.snakeyaml.LoaderOptions big() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return options;
  }

  private static String suffix(Random random) {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append((char) ('a' + random.nextInt(26)));
    }
    return suffix.toString();
  }
}
