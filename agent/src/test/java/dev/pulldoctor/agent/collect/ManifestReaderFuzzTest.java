package dev.pulldoctor.agent.collect;

import static dev.pulldoctor.agent.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.agent.FuzzInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes the manifest reader ({@code --manifests}: YAML streams, {@code kind: List}, JSON lists),
 * whose files hold Secrets. Input layout: byte 0 bit 0 set reads the rest as a {@code .json} file,
 * else as {@code .yaml}; byte 1 says where the canary goes; the rest is the file.
 *
 * <p>The reader either returns objects or throws its own {@link InputException}, one line that
 * never quotes file content. The one message shape that names input by design is "KIND NAME: not a
 * valid KIND object at FIELD" (kinds, object names and field names are not secrets).
 */
class ManifestReaderFuzzTest {
  private static final Pattern NAMES_BY_DESIGN =
      Pattern.compile("(?s)^.*: .* .*: not a valid .* object( at .*)?$");
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("pulldoctor-fuzz-manifests");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final ManifestReader reader = new ManifestReader();

  @FuzzTest(maxDuration = "5m")
  void manifest(byte[] bytes) throws IOException {
    FuzzInput input = FuzzInput.of(bytes);
    Path file = DIR.resolve(input.flag(0, 0) ? "dump.json" : "dump.yaml");
    byte[] content = FuzzInput.withCanary(input.rest(2), input.unsigned(1));
    Files.write(file, content);
    try {
      ManifestReader.Manifests read = reader.read(List.of(file));
      if (read.objects().size() + read.ignored() > content.length) {
        throw new AssertionError("more objects than bytes");
      }
    } catch (InputException e) {
      String message = String.valueOf(e.getMessage());
      if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
        throw new AssertionError("a multi-line error: " + message, e);
      }
      if (!NAMES_BY_DESIGN.matcher(message).matches()) {
        assertNoCanary("a manifest error", message);
      }
    }
  }
}
