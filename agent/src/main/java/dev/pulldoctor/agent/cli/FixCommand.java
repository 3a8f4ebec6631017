package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.apply.ChangeApplier;
import dev.pulldoctor.agent.apply.ChangeRefusedException;
import dev.pulldoctor.agent.apply.ChangeSet;
import dev.pulldoctor.agent.apply.DockerConfigFile;
import dev.pulldoctor.agent.apply.RolloutWait;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.agent.render.PlanObjects;
import dev.pulldoctor.agent.render.PlanScript;
import dev.pulldoctor.agent.render.PlanValues;
import dev.pulldoctor.agent.render.RenderOptions;
import dev.pulldoctor.agent.render.ReportRenderer;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.engine.FixPlanner;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Step;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulldoctor fix}: the proven fix plan, printed, or applied to the cluster. */
@Command(
    name = "fix",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plans the fixes for what 'diagnose' finds, and prints the plan or applies it.",
      "The plan takes the most severe finding whose fix clears it without making"
          + " another check fail, replays that fix on the diagnosed state, diagnoses again"
          + " and repeats: every step is proven on the state the steps before it leave."
          + " What no fix clears is listed for a person.",
      "",
      "Without --apply nothing is changed: -o sh prints a script to review and run,"
          + " -o yaml the objects after the plan (changed ones keep their resourceVersion,"
          + " so 'kubectl replace -f' refuses them if they moved), -o values the Helm"
          + " values for the installed chart.",
      "With --apply the changes inside the cluster (launcher env, restarts, service"
          + " accounts, Roles and RoleBindings, and a pull secret only from"
          + " --docker-config) are sent as a server-side dry run, shown as a diff,"
          + " confirmed, then made as JSON patches whose 'test' operations hold the"
          + " diagnosed state: an object that moved since stops the plan instead of being"
          + " overwritten. Helm values, kind loads and registry or cloud steps are printed"
          + " for you to run.",
      "pulldoctor never reads secret data; a new pull secret's credentials come only"
          + " from --docker-config, and are never printed.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:nothing fails after the plan (printed) or after the changes (applied)",
      // One string per code: picocli drops a line without "code:".
      " 1:failures remain: the plan leaves them for a person, or the diagnosis after applying"
          + " still finds them",
      " 2:usage error or bad input (the message names the flag or file)",
      " 3:the cluster, its kubeconfig or the input could not be read, or it holds no Airbyte job"
          + " launcher",
      " 4:--apply: the API server refused a change (the message names the object); nothing"
          + " after it was changed",
      "70:internal error"
    })
final class FixCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SnapshotInput input = new SnapshotInput();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "sh",
      completionCandidates = PlanFormats.class,
      description = "Plan format: sh, yaml or values (default: ${DEFAULT-VALUE}).")
  String format = "sh";

  @Option(
      names = "--apply",
      description = "Make the plan's changes inside the cluster (live cluster only).")
  boolean apply;

  @Option(names = "--yes", description = "With --apply: do not ask before making the changes.")
  boolean yes;

  @Option(
      names = "--docker-config",
      paramLabel = "FILE",
      description =
          "Docker config file (e.g. ~/.docker/config.json) whose entry for a registry becomes the"
              + " pull secret the plan creates for it, with --apply. Never printed.")
  @Nullable Path dockerConfig;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "2m",
      description =
          "With --apply: how long to wait for changed deployments to roll out before diagnosing"
              + " again (default: ${DEFAULT-VALUE}; 0s does not wait).")
  Duration wait = Duration.ofMinutes(2);

  private final Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws InputException, ClusterUnreachableException {
    String output = format.toLowerCase(Locale.ROOT);
    if (!output.equals("sh") && !output.equals("yaml") && !output.equals("values")) {
      throw usage("-o: expected one of sh, yaml, values but was '" + format + "'");
    }
    if (apply && !input.live()) {
      throw usage(
          "--apply changes a live cluster; it cannot be combined with --manifests or --bundle");
    }
    if (yes && !apply) {
      throw usage("--yes answers the question --apply asks; give it with --apply");
    }
    DockerConfigFile credentials =
        dockerConfig == null ? null : DockerConfigFile.read(dockerConfig);
    Diagnosis diagnosis = input.diagnose(clock);
    if (!input.foundLauncher(diagnosis)) {
      return ExitCodes.UNREADABLE;
    }
    DiagnosisPipeline pipeline = input.pipeline();
    FixPlan plan = new FixPlanner(pipeline.engine()).plan(diagnosis, pipeline.generatedAt());
    PrintWriter out = spec.commandLine().getOut();
    if (!apply) {
      out.print(
          switch (output) {
            case "yaml" -> PlanObjects.render(plan);
            case "values" -> PlanValues.render(plan);
            default -> PlanScript.render(plan, "pulldoctor " + VersionInfo.version());
          });
      out.flush();
      return plan.settles() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
    ChangeSet changes = ChangeSet.of(plan, diagnosis.snapshot(), credentials, clock.instant());
    return applied(changes);
  }

  private int applied(ChangeSet changes) throws InputException, ClusterUnreachableException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!changes.changes().isEmpty()) {
      try (KubeClients.Connection connection =
          KubeClients.connect(input.cluster.kubeconfig, input.cluster.context)) {
        ChangeApplier applier = new ChangeApplier(connection.client());
        String diff;
        try {
          diff = applier.dryRun(changes.changes());
        } catch (ChangeRefusedException e) {
          err.println("pulldoctor: " + e.getMessage());
          err.flush();
          return ExitCodes.REFUSED;
        }
        out.print(diff);
        out.flush();
        if (!yes && !confirmed(changes.changes().size(), connection.context())) {
          err.println("pulldoctor: nothing was changed");
          err.flush();
          return ExitCodes.FINDINGS;
        }
        try {
          applier.apply(changes.changes());
        } catch (ChangeRefusedException e) {
          err.println("pulldoctor: " + e.getMessage());
          err.flush();
          return ExitCodes.REFUSED;
        }
        out.println("Applied " + changes.changes().size() + " change(s).");
        out.flush();
        new RolloutWait(connection.client(), clock).await(changes.changes(), wait, input::progress);
      }
    } else {
      out.println("Nothing in the plan can be applied inside the cluster.");
    }
    if (!changes.byHand().isEmpty()) {
      out.println("Left for you to run:");
      for (Step step : changes.byHand()) {
        out.println(
            step instanceof Step.CreatePullSecret create
                ? PlanScript.createSecret(create)
                : Commands.render(step));
      }
    }
    out.println();
    out.flush();
    Diagnosis again = input.diagnose(clock);
    Report report = input.report(again);
    out.print(
        ReportRenderer.of(OutputFormat.TABLE, RenderOptions.plain(VersionInfo.version()))
            .render(report));
    out.flush();
    return failing(report) ? ExitCodes.FINDINGS : ExitCodes.OK;
  }

  /** Asks on stderr, reads y from stdin; without a terminal the answer must be --yes. */
  private boolean confirmed(int count, @Nullable String context) {
    if (!SnapshotInput.interactive()) {
      throw usage("--apply asks before changing the cluster; without a terminal, give --yes");
    }
    PrintWriter err = spec.commandLine().getErr();
    err.print(
        "Make these "
            + count
            + " change(s)"
            + (context == null ? "" : " in context " + context)
            + "? [y/N] ");
    err.flush();
    try {
      String answer =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return answer != null && answer.strip().equalsIgnoreCase("y");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean failing(Report report) {
    return report.hasResultsAtOrAbove(Status.FAIL);
  }

  static final class PlanFormats extends Candidates {
    PlanFormats() {
      super(() -> List.of("sh", "yaml", "values"));
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
