package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one clear line on stderr, nothing on stdout, and exit code 2. */
class BadInputTest {
  @TempDir Path dir;

  @Test
  void malformed_yaml_names_the_file_and_line_without_quoting_it() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: 'hunter2\n",
        StandardCharsets.UTF_8);

    CliRun run = CliRun.of("diagnose", "--manifests", file.toString());

    assertOneLineUsageError(run);
    assertThat(run.err())
        .contains("broken.yaml")
        .containsPattern(":\\d+:\\d+")
        .doesNotContain("hunter2");
  }

  @Test
  void an_object_of_the_wrong_shape_names_file_object_and_field() throws IOException {
    Path file = dir.resolve("deploy.yaml");
    Files.writeString(
        file,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: launcher
        spec:
          replicas: many
        """,
        StandardCharsets.UTF_8);

    CliRun run = CliRun.of("diagnose", "--manifests", file.toString());

    assertOneLineUsageError(run);
    assertThat(run.err()).contains("deploy.yaml").contains("Deployment launcher");
  }

  @Test
  void missing_path_is_named() {
    CliRun run = CliRun.of("diagnose", "--manifests", dir.resolve("nope").toString());

    assertOneLineUsageError(run);
    assertThat(run.err()).contains("nope");
  }

  @Test
  void unknown_output_format_lists_the_valid_ones() {
    CliRun run =
        CliRun.of(
            "diagnose", "--manifests", CliRun.example("healthy-private-registry"), "-o", "xml");

    assertOneLineUsageError(run);
    assertThat(run.err()).contains("xml").contains("json");
  }

  @Test
  void unknown_rule_id_for_explain() {
    CliRun run = CliRun.of("explain", "pullsecret.exist");

    assertOneLineUsageError(run);
    assertThat(run.err())
        .contains("pullsecret.exist")
        .contains("pullsecret.exists")
        .doesNotContain("\tat ");
  }

  @Test
  void a_mistyped_command_suggests_the_right_one() {
    CliRun run = CliRun.of("diagnos");

    assertOneLineUsageError(run);
    assertThat(run.err()).contains("did you mean diagnose?");
  }

  @Test
  void manifests_cannot_be_combined_with_a_cluster_context() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--context",
            "kind-airbyte-abctl");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--manifests").contains("--context");
  }

  @Test
  void invalid_now_names_the_expected_format() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--now",
            "today");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("RFC 3339").doesNotContain("\tat ");
  }

  @Test
  void unknown_kubeconfig_file_is_exit_2_or_3_with_one_line() {
    CliRun run = CliRun.of("diagnose", "--kubeconfig", dir.resolve("kubeconfig").toString());

    assertThat(run.exitCode()).isIn(ExitCodes.USAGE, ExitCodes.UNREADABLE);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("kubeconfig");
  }

  @Test
  void unreachable_cluster_is_exit_3_with_one_line() throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "https://127.0.0.1:1"}
        contexts:
        - name: gone
          context: {cluster: gone, user: gone}
        current-context: gone
        users:
        - name: gone
          user: {token: abc}
        """,
        StandardCharsets.UTF_8);

    CliRun run = CliRun.of("diagnose", "--kubeconfig", kubeconfig.toString(), "-n", "airbyte");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREADABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("pulldoctor: cannot reach the Kubernetes API");
  }

  private static void assertOneLineUsageError(CliRun run) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("pulldoctor: ").doesNotContain("Exception");
  }
}
