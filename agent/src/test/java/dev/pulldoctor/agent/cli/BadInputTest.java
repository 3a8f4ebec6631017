package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gives one clear line on stderr, nothing on stdout, and exit code 2; a kubeconfig that
 * cannot be read, exit code 3.
 */
@ExtendWith(ProcessLeakCheck.class)
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
  void a_truncated_rule_id_suggests_the_one_it_begins() {
    CliRun run = CliRun.of("explain", "pullsecret.registry");

    assertOneLineUsageError(run);
    assertThat(run.err())
        .contains("unknown rule 'pullsecret.registry'; did you mean 'pullsecret.registry-match'?")
        .doesNotContain("pullsecret.exists")
        .doesNotContain("rbac.job-launcher");
  }

  @Test
  void a_rule_id_with_a_typo_suggests_the_closest() {
    CliRun run = CliRun.of("explain", "launcher.pullsecret-env");

    assertOneLineUsageError(run);
    assertThat(run.err())
        .contains("did you mean 'launcher.pull-secret-env'?")
        .doesNotContain("launcher.rollout");
  }

  @Test
  void a_rule_id_close_to_nothing_lists_every_rule() {
    CliRun run = CliRun.of("explain", "dns");

    assertOneLineUsageError(run);
    assertThat(run.err())
        .contains("unknown rule 'dns'; known rules: airbyte.api, ")
        .contains("serviceaccount.pull-secrets-shadowed")
        .doesNotContain("did you mean");
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
  void missing_kubeconfig_file_is_exit_3_naming_it() {
    Path missing = dir.resolve("kubeconfig");

    CliRun run = CliRun.of("diagnose", "--kubeconfig", missing.toString());

    assertUnreadableKubeconfig(run, missing + ": no such file (--kubeconfig)");
  }

  @Test
  void malformed_kubeconfig_is_exit_3_with_line_and_column_and_no_class_names() throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nclusters: [\n", StandardCharsets.UTF_8);

    CliRun run = CliRun.of("diagnose", "--kubeconfig", kubeconfig.toString());

    assertUnreadableKubeconfig(run, kubeconfig + ": invalid YAML at line 3, column 1: ");
    assertThat(run.err()).doesNotContain("snakeyaml").doesNotContain("internal error");
  }

  @Test
  void kubeconfig_that_quotes_a_token_in_its_error_does_not_print_it() throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig, "users:\n- name: u\n  user: {token: \"s3cr3t-t0ken}\n", StandardCharsets.UTF_8);

    CliRun run = CliRun.of("fix", "--kubeconfig", kubeconfig.toString());

    assertUnreadableKubeconfig(run, kubeconfig + ": invalid YAML at line ");
    assertThat(run.err()).doesNotContain("s3cr3t");
  }

  @Test
  void directory_as_kubeconfig_is_exit_3() {
    CliRun run = CliRun.of("bundle", "create", "--kubeconfig", dir.toString());

    assertUnreadableKubeconfig(run, dir + ": it is a directory, not a file (--kubeconfig)");
  }

  @Test
  void a_list_where_a_kubeconfig_mapping_belongs_is_exit_3() throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, "- clusters\n- users\n", StandardCharsets.UTF_8);

    CliRun run = CliRun.of("diagnose", "--kubeconfig", kubeconfig.toString());

    assertUnreadableKubeconfig(run, kubeconfig + ": not a kubeconfig");
  }

  /** KUBECONFIG is read from the environment, so this runs pulldoctor as a process. */
  @Test
  void kubeconfig_env_naming_no_file_is_exit_3_not_a_silent_in_cluster_fallback() throws Exception {
    Path missing = dir.resolve("nope").resolve("config");
    Process process =
        ChildJvm.pulldoctor("diagnose").env("KUBECONFIG", missing.toString()).builder().start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor()).as(err).isEqualTo(ExitCodes.UNREADABLE);
    assertThat(out).isEmpty();
    assertThat(err.strip())
        .isEqualTo(
            "pulldoctor: cannot read kubeconfig "
                + missing
                + ": no such file (named by KUBECONFIG)");
  }

  @Test
  void serve_on_a_busy_port_is_exit_2_naming_the_port_and_the_flag() throws IOException {
    Path kubeconfig = unreachableKubeconfig();
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();

      CliRun run =
          CliRun.of(
              "serve", "--kubeconfig", kubeconfig.toString(), "--offline", "--port", "" + port);

      assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err())
          .startsWith("pulldoctor: port " + port + " is already in use (--port)")
          .doesNotContain("Exception")
          .doesNotContain("internal error");
      assertThat(run.err().strip().lines()).hasSize(1);
    }
  }

  @Test
  void unreachable_cluster_is_exit_3_with_one_line() throws IOException {
    Path kubeconfig = unreachableKubeconfig();

    CliRun run = CliRun.of("diagnose", "--kubeconfig", kubeconfig.toString(), "-n", "airbyte");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREADABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("pulldoctor: cannot reach the Kubernetes API");
  }

  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  private Path unreachableKubeconfig() {
    return Kubeconfig.of(Kubeconfig.UNREACHABLE)
        .name("gone")
        .token("abc")
        .writeTo(dir.resolve("kubeconfig"));
  }

  private static void assertUnreadableKubeconfig(CliRun run, String what) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREADABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .startsWith("pulldoctor: cannot read kubeconfig " + what)
        .doesNotContain("Exception");
  }

  private static void assertOneLineUsageError(CliRun run) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).startsWith("pulldoctor: ").doesNotContain("Exception");
  }
}
