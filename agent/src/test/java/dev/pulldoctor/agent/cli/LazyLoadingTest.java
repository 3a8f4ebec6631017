package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Commands that do not read a cluster never build a Kubernetes client: a fresh JVM runs each one
 * and {@code -Xlog:class+load} lists what it loaded. Deterministic, unlike a start-up time.
 */
@ExtendWith(ProcessLeakCheck.class)
class LazyLoadingTest {
  private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source:");
  // What building a client or making a request loads: the client, its DSL, its HTTP layer.
  private static final Pattern CLIENT =
      Pattern.compile(
          "io\\.fabric8\\.kubernetes\\.client\\.(impl|dsl|http|jdkhttp)\\..*"
              + "|io\\.fabric8\\.kubernetes\\.client\\.(Config|KubernetesClientBuilder)"
              + "|java\\.net\\.http\\..*");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "rules",
        "explain pullsecret.registry-match",
        "classify Back-off pulling image \"ghcr.io/acme/source-foo:1.2.0\"",
        "version"
      })
  void commands_without_a_cluster_load_no_kubernetes_classes(String command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command.split(" ", 2)));

    List<String> loaded = loadedBy(args);

    assertThat(loaded).hasSizeGreaterThan(500);
    // At most one exception type, from the signatures of the error handling; no model, no client.
    assertThat(loaded)
        .filteredOn(c -> c.startsWith("io.fabric8."))
        .isSubsetOf("io.fabric8.kubernetes.client.KubernetesClientException");
  }

  @ParameterizedTest
  @ValueSource(strings = {"table", "json"})
  void an_offline_diagnosis_builds_no_client(String format) throws Exception {
    List<String> loaded =
        loadedBy(
            List.of(
                "diagnose",
                "--manifests",
                CliRun.example("healthy-private-registry"),
                "--offline",
                "-o",
                format));

    assertThat(loaded).contains("io.fabric8.kubernetes.api.model.Pod");
    assertThat(loaded).filteredOn(c -> CLIENT.matcher(c).matches()).isEmpty();
  }

  private List<String> loadedBy(List<String> args) throws Exception {
    Path log = dir.resolve("classes.log");
    Process process =
        ChildJvm.pulldoctor(args)
            .jvmOptions("-Xshare:off", "-Xlog:class+load:file=" + log)
            .builder()
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(new File("/dev/null"))
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit code of %s", args).isLessThanOrEqualTo(1);
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher loaded = LOADED.matcher(line);
      if (loaded.find()) {
        classes.add(loaded.group(1));
      }
    }
    return classes;
  }
}
