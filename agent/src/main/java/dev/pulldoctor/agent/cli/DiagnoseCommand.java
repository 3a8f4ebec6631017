package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.render.RenderOptions;
import dev.pulldoctor.agent.render.ReportRenderer;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pulldoctor diagnose}: collect, run every rule, print the report. */
@Command(
    name = "diagnose",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explains why connector job pods cannot pull custom connector images.",
      "It checks the launcher's pull-secret setting, the secrets themselves, the"
          + " kubelet's registry matching and the image names. Reads the current kubeconfig"
          + " context, files given with --manifests, or a support bundle given with"
          + " --bundle.",
      "Unless --offline, it also probes the images' registries (reachability, the"
          + " pull secret's credentials, the tag, the platforms): live, and from manifests"
          + " for images named with --image. A bundle is never probed: it is a record of"
          + " another time and place.",
      "",
      "stdout carries only the report; logs and progress go to stderr.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:no result at or above --fail-on",
      " 1:results at or above --fail-on exist",
      " 2:usage error or bad input (the message names the flag, file and line)",
      // One string per code: picocli drops a line without "code:".
      " 3:the cluster, its kubeconfig (missing, a directory, malformed: the message names the"
          + " file and line) or the input could not be read, or the namespace holds no Airbyte"
          + " job launcher (the message names the namespaces that do)",
      "70:internal error"
    })
final class DiagnoseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SnapshotInput input = new SnapshotInput();

  @Mixin OutputOptions output = new OutputOptions();

  private final Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws InputException, ClusterUnreachableException {
    Diagnosis diagnosis = input.diagnose(clock);
    Report report = input.report(diagnosis);
    PrintWriter out = spec.commandLine().getOut();
    RenderOptions options =
        output.renderOptions(
            SnapshotInput.interactive(),
            TerminalWidth.columns(),
            VersionInfo.version(),
            input.locations());
    out.print(ReportRenderer.of(output.format, options).render(report));
    out.flush();
    if (!input.foundLauncher(diagnosis)) {
      return ExitCodes.UNREADABLE;
    }
    return report.hasResultsAtOrAbove(output.failOn) ? ExitCodes.FINDINGS : ExitCodes.OK;
  }
}
