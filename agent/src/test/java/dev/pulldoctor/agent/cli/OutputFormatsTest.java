package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.render.OutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@code -o} format prints a report, and {@code --fail-on} sets the same exit code in each.
 */
class OutputFormatsTest {
  private static final String WARNING_IMAGE = "registry.example.com/data-team/source-acme:latest";

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void a_missing_pull_secret_exits_1(OutputFormat format) {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("abctl-missing-pull-secret"),
            "-o",
            format.word());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(run.out()).contains("pullsecret.exists");
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void a_healthy_install_exits_0(OutputFormat format) {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--manifests",
            CliRun.example("healthy-private-registry"),
            "-o",
            format.word());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void warnings_exit_1_only_with_fail_on_warn(OutputFormat format) {
    String[] args = {
      "diagnose",
      "--manifests",
      CliRun.example("healthy-private-registry"),
      "--image",
      WARNING_IMAGE,
      "--offline",
      "--now",
      "2026-11-23T12:00:00Z",
      "-o",
      format.word()
    };
    CliRun byDefault = CliRun.of(args);
    CliRun failOnWarn = CliRun.of(concat(args, "--fail-on", "warn"));
    CliRun failOnFail = CliRun.of(concat(args, "--fail-on", "fail"));

    assertThat(byDefault.exitCode()).as(byDefault.err()).isEqualTo(ExitCodes.OK);
    assertThat(failOnFail.exitCode()).as(failOnFail.err()).isEqualTo(ExitCodes.OK);
    assertThat(failOnWarn.exitCode()).as(failOnWarn.err()).isEqualTo(ExitCodes.FINDINGS);
    if (format == OutputFormat.JUNIT) {
      // JUnit fails exactly when the exit code does: under --fail-on warn the warning is a failure.
      assertThat(byDefault.out())
          .contains("<testsuites name=\"pulldoctor\" tests=\"21\" failures=\"0\"");
      assertThat(failOnWarn.out())
          .contains("<testsuites name=\"pulldoctor\" tests=\"21\" failures=\"1\"")
          .contains("type=\"warning\"");
      assertThat(failOnFail.out()).isEqualTo(byDefault.out());
    } else {
      assertThat(failOnWarn.out()).isEqualTo(byDefault.out());
    }
  }

  @Test
  void help_lists_every_format() {
    String help = CliRun.of("diagnose", "--help").out();

    assertThat(help.replaceAll("\\s+", " ")).contains("table, json, yaml, markdown, sarif, junit");
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
