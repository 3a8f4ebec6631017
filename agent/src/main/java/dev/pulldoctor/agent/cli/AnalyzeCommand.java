package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pulldoctor analyze BUNDLE}: the rules, offline, on a support bundle. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Re-runs every rule offline on a support bundle.",
      "The bundle is the .tar.gz made by 'pulldoctor bundle create', or the directory"
          + " it was unpacked into, e.g. on a support engineer's laptop. Same report,"
          + " output options and exit codes as 'diagnose'.",
      ""
    })
final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "BUNDLE",
      description = "The bundle: its .tar.gz, or a directory it was unpacked into.")
  Path bundle = Path.of("");

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Connector image to check (repeatable). Default: the images the bundle was made for,"
              + " else those of its connector job pods and pull events.")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--now",
      paramLabel = "RFC3339",
      converter = TimeConverter.class,
      description = "Clock for time-based rules (default: the bundle's capture time).")
  @Nullable Instant now;

  @Mixin OutputOptions output = new OutputOptions();

  @Override
  public Integer call() throws InputException, ClusterUnreachableException {
    DiagnoseCommand diagnose = new DiagnoseCommand();
    diagnose.spec = spec;
    diagnose.input.spec = spec;
    diagnose.input.bundle = bundle;
    diagnose.input.images = images;
    diagnose.input.now = now;
    diagnose.output = output;
    return diagnose.call();
  }
}
