package dev.pulldoctor.agent.bundle;

import static dev.pulldoctor.agent.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.agent.FuzzInput;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the support-bundle reader: a bundle arrives attached to a ticket and is untrusted.
 *
 * <p>Input layout: byte 0 picks the layer fuzzed ({@code '0'}: the rest is the whole {@code
 * .tar.gz}; {@code '1'}: the rest is a tar stream, gzipped here; {@code '2'}–{@code '9'} and
 * beyond: a valid bundle of the healthy example whose entry number byte-0 modulo the entry count is
 * replaced by the rest, so the fuzzer reaches the JSON and YAML of each file). Byte 1 says where
 * the canary goes.
 *
 * <p>The reader either returns a bundle or throws its own {@link InputException}: one line of
 * bounded length. When the fuzzed bytes are {@code objects/secrets.yaml}, the canary must not come
 * back in the error.
 */
class BundleReaderFuzzTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Path DIR;
  private static final List<Map.Entry<String, byte[]>> VALID;

  static {
    try {
      DIR = Files.createTempDirectory("pulldoctor-fuzz-bundles");
      Snapshot snapshot =
          new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
              .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
      VALID =
          new ArrayList<>(
              BundleContents.build(new BundleRequest(snapshot, List.of(), true, NOW, "fuzz", null))
                  .files()
                  .entrySet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InputException e) {
      throw new IllegalStateException(e);
    }
  }

  private final BundleReader reader =
      new BundleReader(new BundleLimits(64, 1 << 20, 4 << 20, 10_000, 200_000));

  @FuzzTest(maxDuration = "5m")
  void bundle(byte[] bytes) throws IOException {
    FuzzInput input = FuzzInput.of(bytes);
    int layer = input.unsigned(0);
    byte[] fuzzed = FuzzInput.withCanary(input.rest(2), input.unsigned(1));
    Path file = DIR.resolve("bundle.tar.gz");
    String replaced = null;
    if (layer == '0') {
      Files.write(file, fuzzed);
    } else if (layer == '1') {
      Files.write(file, HostileTar.gzip(fuzzed));
    } else {
      int index = layer % VALID.size();
      replaced = VALID.get(index).getKey();
      try (HostileTar tar = new HostileTar(file)) {
        for (int i = 0; i < VALID.size(); i++) {
          Map.Entry<String, byte[]> entry = VALID.get(i);
          tar.file(entry.getKey(), i == index ? fuzzed : entry.getValue());
        }
        tar.end();
      }
    }
    try {
      reader.read(file);
    } catch (InputException e) {
      String message = String.valueOf(e.getMessage());
      if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0 || message.length() > 1000) {
        throw new AssertionError("not one bounded line: " + message, e);
      }
      if (BundleContents.SECRETS.equals(replaced)) {
        assertNoCanary("an error about secrets.yaml", message);
      }
    }
  }
}
