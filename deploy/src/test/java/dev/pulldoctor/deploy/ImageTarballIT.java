package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.MockClusters;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.agent.testsupport.Waits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the OCI image tarball that {@code mvn -Pimage package} writes (jib:buildTar): its config
 * (non-root user, entrypoint and JVM flags, labels), its layers, and then runs it. Without a
 * container engine the layers are unpacked into a directory, and the entrypoint runs there the way
 * a runtime would start it: as user 65532 in its own root ({@code unshare --root}, with the image's
 * own C library and Java runtime), in /app, with the image's environment only. It prints its
 * version with most classes from the class-data-sharing archive, diagnoses an example, and serves
 * the daemon against a mock API server until /readyz answers and /metrics has results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLeakCheck.class)
class ImageTarballIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLE = Path.of("..", "examples", "healthy-private-registry");

  private Path work;
  private Path root;
  private JsonNode config;
  private JsonNode history;

  @BeforeAll
  void unpack(@TempDir Path dir) throws Exception {
    work = dir;
    Path tar = Path.of(System.getProperty("pulldoctor.image.tar", "target/pulldoctor-image.tar"));
    assertThat(tar).as("run mvn -Pimage package first").exists();
    Path layout = work.resolve("layout");
    Files.createDirectories(layout);
    run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()), Map.of(), 60);
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()));
    JsonNode fullConfig = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()));
    config = fullConfig.get("config");
    history = fullConfig.get("history");
    root = work.resolve("root");
    Files.createDirectories(root);
    for (JsonNode layer : manifest.get("layers")) {
      Path blob = blob(layout, layer.get("digest").asText()).toPath();
      run(
          List.of("tar", "-xzpf", blob.toString(), "--numeric-owner", "-C", root.toString()),
          Map.of(),
          120);
    }
    Files.createDirectories(root.resolve("proc"));
  }

  @Test
  void the_config_runs_pulldoctor_as_non_root_with_small_container_jvm_flags() {
    assertThat(config.get("User").asText()).isEqualTo("65532:65532");
    assertThat(config.get("WorkingDir").asText()).isEqualTo("/app");
    List<String> entrypoint = strings(config.get("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("/opt/java/bin/java");
    assertThat(entrypoint)
        .contains(
            "-XX:MaxRAMPercentage=70",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:SharedArchiveFile=/app/pulldoctor.jsa")
        .endsWith("-jar", "pulldoctor.jar");
    assertThat(strings(config.get("Cmd"))).containsExactly("--help");
    assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.get("Labels").get("org.opencontainers.image.title").asText())
        .isEqualTo("pulldoctor");
    assertThat(config.get("Labels").get("org.opencontainers.image.version").asText())
        .isEqualTo(version());
    assertThat(strings(config.get("Env"))).contains("JAVA_HOME=/opt/java", "MALLOC_ARENA_MAX=2");
  }

  @Test
  void the_layers_go_from_the_least_to_the_most_often_changed() {
    assertThat(history)
        .extracting(h -> h.path("comment").asText())
        .containsSubsequence("debian libraries", "java runtime", "dependencies", "application");
  }

  @Test
  void the_file_system_has_the_user_the_runtime_and_the_archive_and_nothing_of_jib()
      throws IOException {
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
    assertThat(Files.readString(root.resolve("opt/java/release")))
        .contains("jdk.crypto.ec", "java.net.http", "jdk.management");
    assertThat(root.resolve("opt/java/lib/security/cacerts")).isRegularFile();
    assertThat(root.resolve("opt/java/lib/libawt_xawt.so")).doesNotExist();
    assertThat(root.resolve("app/pulldoctor.jsa")).isRegularFile();
    assertThat(root.resolve("app/jib-classpath-file")).doesNotExist();
    assertThat(root.resolve("var/lib/dpkg/status.d/libc6")).content().contains("Package: libc6");
    assertThat(Files.getPosixFilePermissions(root.resolve("tmp")))
        .contains(PosixFilePermission.OTHERS_WRITE);
    // The archive is only valid for the jar's time stamp: jib's fixed one.
    assertThat(Files.getLastModifiedTime(root.resolve("app/pulldoctor.jar")))
        .isEqualTo(FileTime.fromMillis(1000));
  }

  @Test
  void the_image_prints_its_version_with_classes_from_the_archive() throws Exception {
    Result version = inImage(List.of("version"), "-Xlog:class+load:file=/tmp/classes.txt", 60);

    assertThat(version.exit()).as(version.toString()).isZero();
    assertThat(version.out()).startsWith("pulldoctor " + version());
    List<String> loaded = Files.readAllLines(root.resolve("tmp/classes.txt"));
    long shared = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
    long top = loaded.stream().filter(l -> l.contains("shared objects file (top)")).count();
    assertThat(top).as("classes from the application archive").isPositive();
    assertThat((double) shared / loaded.size()).as("share of classes from CDS").isGreaterThan(0.8);
  }

  @Test
  void the_image_diagnoses_an_example() throws Exception {
    copyTree(EXAMPLE, root.resolve("tmp/example"));

    Result diagnose =
        inImage(
            List.of("diagnose", "--manifests", "/tmp/example", "--offline", "-o", "json"),
            null,
            120);

    assertThat(diagnose.exit()).as(diagnose.toString()).isZero();
    assertThat(JSON.readTree(diagnose.out()).at("/summary/fail").asInt()).isZero();
  }

  @Test
  void the_image_serves_the_daemon_against_an_api_server() throws Exception {
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesMixedDispatcher(new HashMap<>()),
            false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient admin = api.createClient();
    Process serve = null;
    try {
      MockClusters.seedFrom(admin, List.of(EXAMPLE));
      Kubeconfig.of(admin).token("agent").writeTo(root.resolve("tmp/kubeconfig"));
      Path err = work.resolve("serve.err");
      serve =
          start(
              List.of(
                  "serve",
                  "--kubeconfig",
                  "/tmp/kubeconfig",
                  "-n",
                  "airbyte",
                  "--offline",
                  "--port",
                  "0"),
              null,
              err);
      int port = awaitPort(err, serve);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      Waits.await("/readyz 200")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(get(http, base + "/readyz").status())
                      .as("/readyz; stderr: %s", Files.readString(err))
                      .isEqualTo(200));
      assertThat(get(http, base + "/metrics").body())
          .contains("pulldoctor_rule_results{")
          .contains("pulldoctor_build_info{version=\"" + version() + "\"");
    } finally {
      if (serve != null) {
        serve.destroy();
        serve.waitFor(20, TimeUnit.SECONDS);
        serve.destroyForcibly();
      }
      admin.close();
      api.destroy();
    }
  }

  private record Result(int exit, String out, String err) {}

  /** The image's entrypoint with {@code args}, in the image's root as its user. */
  private Result inImage(List<String> args, String extraJvmFlag, int seconds) throws Exception {
    Path out = work.resolve("out.txt");
    Path err = work.resolve("err.txt");
    Process process = start(args, extraJvmFlag, err, out);
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("the image did not finish in " + seconds + " s: " + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Process start(List<String> args, String extraJvmFlag, Path err) throws IOException {
    return start(args, extraJvmFlag, err, work.resolve("serve.out"));
  }

  private Process start(List<String> args, String extraJvmFlag, Path err, Path out)
      throws IOException {
    requireUnshare();
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--user",
                "--map-user=65532",
                "--map-group=65532",
                "--mount",
                "--pid",
                "--fork",
                // Stopping unshare stops the image's process too: without it, SIGTERM to unshare
                // left the forked java running, re-parented to init, after the test.
                "--kill-child=SIGTERM",
                "--mount-proc=/proc",
                "--root=" + root,
                "--wd=" + config.get("WorkingDir").asText()));
    List<String> entrypoint = strings(config.get("Entrypoint"));
    if (extraJvmFlag != null) {
      entrypoint = new ArrayList<>(entrypoint);
      entrypoint.add(entrypoint.indexOf("-jar"), extraJvmFlag);
    }
    command.addAll(entrypoint);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    for (String variable : strings(config.get("Env"))) {
      int equals = variable.indexOf('=');
      builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
    }
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    return builder.start();
  }

  private static int awaitPort(Path err, Process serve) {
    Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/");
    return Waits.await("serve started")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Matcher matcher = serving.matcher(Files.readString(err));
              if (matcher.find()) {
                return Optional.of(Integer.parseInt(matcher.group(1)));
              }
              if (!serve.isAlive()) {
                fail("serve exited with " + serve.exitValue() + ": " + Files.readString(err));
              }
              return Optional.<Integer>empty();
            },
            Optional::isPresent)
        .orElseThrow();
  }

  /** An HTTP answer; status 0 while nothing listens yet. */
  private record Answer(int status, String body) {}

  private static Answer get(HttpClient http, String url) throws InterruptedException {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(0, "");
    }
  }

  /**
   * {@code unshare --root} needs root or unprivileged user namespaces. CI runs as root; elsewhere
   * the run tests are skipped, unless CI=true.
   */
  private static void requireUnshare() throws IOException {
    boolean usable;
    try {
      Process probe =
          new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "true")
              .redirectErrorStream(true)
              .start();
      usable = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      usable = false;
    }
    String message = "unshare cannot make a user and mount namespace here; cannot run the image";
    if ("true".equals(System.getenv("CI")) && !usable) {
      fail(message);
    }
    assumeTrue(usable, message);
  }

  private static String version() {
    return Objects.requireNonNull(System.getProperty("pulldoctor.version"), "pulldoctor.version");
  }

  private static java.io.File blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve("sha256").resolve(digest.substring(7)).toFile();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static void run(List<String> command, Map<String, String> env, int seconds)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      fail(String.join(" ", command) + " failed: " + output);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
