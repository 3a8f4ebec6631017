package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl plugin: {@code deploy/src/krew/package} makes the release archive and fills in the
 * krew manifest, and the launcher in the unpacked archive runs pulldoctor the way kubectl runs a
 * plugin (found on the PATH as {@code kubectl-pulldoctor}, arguments passed through).
 */
@ExtendWith(ProcessLeakCheck.class)
class KubectlPluginTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String VERSION = System.getProperty("pulldoctor.version", "0.0.0");

  @Test
  void the_archive_and_manifest_install_a_plugin_that_runs(@TempDir Path dir) throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("agent/target/pulldoctor.jar")),
        "needs agent/target/pulldoctor.jar: mvn package");
    Path out = dir.resolve("out");

    Result packaged =
        run(
            List.of(
                ROOT.resolve("deploy/src/krew/package").toString(),
                VERSION,
                "https://downloads.example.com/pulldoctor/",
                out.toString()),
            Map.of());

    assertThat(packaged.exit()).as(packaged.err()).isZero();
    Path archive = out.resolve("pulldoctor-" + VERSION + ".tar.gz");
    JsonNode manifest = new YAMLMapper().readTree(out.resolve("pulldoctor.yaml").toFile());
    assertThat(manifest.get("kind").asText()).isEqualTo("Plugin");
    assertThat(manifest.at("/metadata/name").asText()).isEqualTo("pulldoctor");
    assertThat(manifest.at("/spec/version").asText()).isEqualTo("v" + VERSION);
    assertThat(manifest.at("/spec/platforms"))
        .hasSize(2)
        .allSatisfy(
            platform -> {
              assertThat(platform.get("bin").asText()).isEqualTo("kubectl-pulldoctor");
              assertThat(platform.get("sha256").asText()).isEqualTo(sha256(archive));
              assertThat(platform.get("uri").asText())
                  .isEqualTo("https://downloads.example.com/pulldoctor/" + archive.getFileName());
            });

    Path installed = dir.resolve("installed");
    Files.createDirectories(installed);
    assertThat(
            run(List.of("tar", "-xzf", archive.toString(), "-C", installed.toString()), Map.of())
                .exit())
        .isZero();
    assertThat(Files.getPosixFilePermissions(installed.resolve("kubectl-pulldoctor")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(installed.resolve("lib")).isDirectory();

    Result version = run(plugin("version"), Map.of("PATH", installed + ":/usr/bin:/bin"));
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("pulldoctor " + VERSION);

    Result diagnose =
        run(
            plugin(
                "diagnose",
                "--manifests",
                ROOT.resolve("examples/abctl-missing-pull-secret").toString(),
                "-o",
                "json"),
            Map.of("PATH", installed + ":/usr/bin:/bin"));
    assertThat(diagnose.exit()).as(diagnose.err()).isEqualTo(1);
    assertThat(diagnose.out()).contains("\"rule\" : \"pullsecret.exists\"");
  }

  @Test
  void alone_the_launcher_says_how_to_install_pulldoctor(@TempDir Path dir) throws Exception {
    Path launcher = dir.resolve("kubectl-pulldoctor");
    Files.copy(ROOT.resolve("bin/kubectl-pulldoctor"), launcher);
    launcher.toFile().setExecutable(true);

    Result result = run(List.of(launcher.toString(), "version"), Map.of("PATH", "/usr/bin:/bin"));

    assertThat(result.exit()).isEqualTo(70);
    assertThat(result.err())
        .contains("no pulldoctor.jar next to")
        .contains("Install it with krew (docs/deploy.md)");
  }

  private record Result(int exit, String out, String err) {}

  /** What kubectl does for {@code kubectl pulldoctor ARGS}: find the plugin on the PATH, run it. */
  private static List<String> plugin(String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("sh", "-c", "exec kubectl-pulldoctor \"$@\"", "kubectl"));
    command.addAll(List.of(args));
    return command;
  }

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Path out = Files.createTempFile("plugin", ".out");
    Path err = Files.createTempFile("plugin", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish: " + Files.readString(err));
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
