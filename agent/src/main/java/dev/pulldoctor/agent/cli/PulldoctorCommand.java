package dev.pulldoctor.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: explains why Airbyte cannot pull a custom connector image. */
@Command(
    name = "pulldoctor",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Explains why Airbyte on Kubernetes cannot pull the image of a custom connector"
          + " (ImagePullBackOff, ErrImagePull, a spec job that times out) and what to run to fix"
          + " it.",
      ""
    },
    subcommands = {
      DiagnoseCommand.class,
      FixCommand.class,
      AnalyzeCommand.class,
      BundleCommand.class,
      ServeCommand.class,
      ClassifyCommand.class,
      RulesCommand.class,
      ExplainCommand.class,
      VersionCommand.class,
      CompletionCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:no result at or above --fail-on",
      " 1:results at or above --fail-on exist",
      " 2:usage error or bad input",
      // One string per code: picocli drops a line without "code:".
      " 3:the cluster, its kubeconfig or the input could not be read, or it holds no Airbyte job"
          + " launcher",
      " 4:fix --apply: the API server refused a change (the message names the object)",
      "70:internal error"
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pulldoctor diagnose                         # current kubeconfig context",
      "  pulldoctor diagnose -n airbyte-abctl --image ghcr.io/acme/source-foo:1.2.0",
      "  pulldoctor diagnose --manifests dump/ -o json",
      "  pulldoctor fix                              # the proven fix plan, as a script",
      "  pulldoctor fix --apply                      # dry run, diff, confirm, apply",
      "  pulldoctor bundle create -f airbyte-pulls.tar.gz   # attach to a support ticket",
      "  pulldoctor analyze airbyte-pulls.tar.gz",
      "  pulldoctor explain pullsecret.registry-match"
    })
final class PulldoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--log-level",
      scope = ScopeType.INHERIT,
      // Not LEVEL: picocli's bash completion keys value lists by label, and --fail-on is LEVEL.
      paramLabel = "LOG_LEVEL",
      defaultValue = "warn",
      completionCandidates = LogLevel.Names.class,
      description =
          "Log level on stderr: error, warn, info, debug, trace (default: ${DEFAULT-VALUE}).")
  LogLevel logLevel = LogLevel.WARN;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
