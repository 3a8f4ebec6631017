package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bundled examples give the diagnosis their READMEs promise. */
class DiagnoseExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void healthy_install_has_no_failure_and_exits_0() throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose", "--manifests", CliRun.example("healthy-private-registry"), "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(statuses(report)).doesNotContain("fail", "error");
    assertThat(result(report, "pullsecret.registry-match").path("message").asText())
        .contains("the kubelet sends the credentials of Secret regcred");
    assertThat(report.path("summary").path("pass").asInt()).isPositive();
  }

  @Test
  void abctl_missing_secret_names_the_near_miss_and_the_command_to_run() {
    CliRun run = CliRun.of("diagnose", "--manifests", CliRun.example("abctl-missing-pull-secret"));

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(run.out())
        .contains("FAIL")
        .contains("pullsecret.exists")
        .contains("Did you mean 'ghcr-cred'?")
        .contains(
            "kubectl create secret docker-registry ghcr-creds --docker-server=ghcr.io"
                + " --docker-username='<username>' --docker-password='<password-or-token>'"
                + " -n airbyte-abctl")
        .contains(
            "kubectl set env deployment/airbyte-abctl-workload-launcher -n airbyte-abctl"
                + " JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=ghcr-cred");
  }

  @Test
  void variable_set_on_worker_of_a_1x_install_fails_the_launcher_rule() throws Exception {
    CliRun run =
        CliRun.of("diagnose", "--manifests", CliRun.example("worker-env-on-1x"), "-o", "json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode launcher = result(JSON.readTree(run.out()), "launcher.pull-secret-env");
    assertThat(launcher.path("status").asText()).isEqualTo("fail");
    assertThat(launcher.path("message").asText()).contains("airbyte-worker");
    assertThat(launcher.path("remediation").asText())
        .contains("kubectl set env deployment/airbyte-workload-launcher")
        .contains("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=custom-registry-secret");
  }

  @Test
  void space_padded_list_points_at_the_secret_name_with_a_leading_space() throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose", "--manifests", CliRun.example("space-padded-secret-list"), "-o", "json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode report = JSON.readTree(run.out());
    assertThat(result(report, "launcher.pull-secret-env").path("status").asText())
        .isEqualTo("fail");
    assertThat(result(report, "launcher.pull-secret-env").path("message").asText())
        .contains("' dockerhub-creds'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "healthy-private-registry",
        "abctl-missing-pull-secret",
        "worker-env-on-1x",
        "space-padded-secret-list"
      })
  void a_namespace_without_airbyte_exits_3_and_names_the_one_that_has_it(String example)
      throws Exception {
    CliRun run =
        CliRun.of(
            "diagnose", "--manifests", CliRun.example(example), "-n", "wrongns", "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREADABLE);
    String namespace = example.startsWith("abctl") ? "airbyte-abctl" : "airbyte";
    assertThat(run.err())
        .contains("no Airbyte job launcher in namespace wrongns")
        .contains("run pulldoctor with -n " + namespace);
    assertThat(statuses(JSON.readTree(run.out()))).doesNotContain("pass", "fail");
  }

  @Test
  void fail_on_warn_turns_warnings_into_exit_1() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "--image",
            "registry.example.com/data-team/source-acme:latest",
            "--offline",
            "--fail-on",
            "warn");

    assertThat(run.out()).contains("WARN");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
  }

  @Test
  void rules_lists_every_rule_and_explain_prints_its_remediation() {
    CliRun rules = CliRun.of("rules");
    CliRun explain = CliRun.of("explain", "pullsecret.registry-match");

    assertThat(rules.exitCode()).isZero();
    assertThat(rules.out())
        .contains(
            "image.reference",
            "launcher.pull-secret-env",
            "pullsecret.exists",
            "pullsecret.format",
            "pullsecret.registry-match");
    assertThat(explain.exitCode()).isZero();
    assertThat(explain.out()).contains("registry-1.docker.io").contains("keyring_test.go");
  }

  @Test
  void help_and_version_exit_0() {
    assertThat(CliRun.of("--help").out()).contains("diagnose").contains("explain");
    assertThat(CliRun.of("diagnose", "--help").out())
        .contains("--manifests")
        .contains("--fail-on")
        .contains("--now");
    assertThat(CliRun.of("version").exitCode()).isZero();
  }

  private static List<String> statuses(JsonNode report) {
    List<String> statuses = new ArrayList<>();
    report.path("results").forEach(r -> statuses.add(r.path("status").asText()));
    return statuses;
  }

  private static JsonNode result(JsonNode report, String rule) {
    for (JsonNode result : report.path("results")) {
      if (rule.equals(result.path("rule").asText())) {
        return result;
      }
    }
    throw new AssertionError("no result for " + rule + " in " + report);
  }
}
