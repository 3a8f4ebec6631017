package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.bundle.BundleWriter;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.pipeline.Collected;
import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import dev.pulldoctor.agent.pipeline.Progress;
import dev.pulldoctor.agent.pipeline.Source;
import dev.pulldoctor.agent.pipeline.SupportBundles;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulldoctor bundle}: support bundles to attach to a ticket. */
@Command(
    name = "bundle",
    mixinStandardHelpOptions = true,
    description = {
      "Makes support bundles to attach to a ticket.",
      "A bundle is one redacted .tar.gz with the objects pulldoctor reads, its"
          + " findings and a list of every value it left out. 'pulldoctor analyze BUNDLE'"
          + " re-runs the rules on it.",
      ""
    },
    subcommands = {BundleCommand.Create.class})
final class BundleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** {@code pulldoctor bundle create}: collect, redact, write the bundle. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Writes a redacted support bundle (.tar.gz) with the findings.",
        "It collects what pulldoctor reads (from the current kubeconfig context, or"
            + " from files given with --manifests), redacts it, runs the rules, and writes"
            + " the bundle. Secrets are kept only as pull-secret views, never their values;"
            + " see docs/support-bundles.md.",
        "",
        "stdout carries only the path of the bundle; progress goes to stderr.",
        ""
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ClusterOptions cluster = new ClusterOptions();

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description =
            "Where to write the bundle (default: pulldoctor-bundle-<time>.tar.gz in the current"
                + " directory; a directory gets that name inside it). An existing file is"
                + " replaced.")
    @Nullable Path file;

    @Option(
        names = "--manifests",
        paramLabel = "PATH",
        description =
            "Build the bundle from YAML/JSON dumps (kubectl get -o yaml) instead of a cluster"
                + " (repeatable).")
    List<Path> manifests = new ArrayList<>();

    @Option(
        names = "--image",
        paramLabel = "IMAGE",
        description =
            "Connector image to check (repeatable); 'analyze' checks the same images by default.")
    List<String> images = new ArrayList<>();

    @Option(names = "--offline", description = "Make no network call except to the Kubernetes API.")
    boolean offline;

    @Mixin NetworkOptions network = new NetworkOptions();

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InputException, ClusterUnreachableException {
      cluster.refuseWithManifests(manifests, spec);
      // The probes' observations travel in the bundle: analyze shows what was seen, and when.
      DiagnosisPipeline pipeline =
          new DiagnosisPipeline(
              network.settings(clock, images, offline, null, true), Progress.SILENT);
      Collected collected =
          pipeline.collect(
              manifests.isEmpty()
                  ? new Source.Cluster(cluster.kubeconfig, cluster.context, cluster.namespace)
                  : new Source.Manifests(manifests, cluster.namespace));
      Snapshot snapshot = collected.snapshot();
      Path target = target(snapshot);
      BundleWriter.Written written;
      try {
        written = pipeline.bundles().write(snapshot, collected.serverVersion(), target);
      } catch (IOException e) {
        throw new InputException(
            "cannot write the bundle to " + target + " (" + e.getClass().getSimpleName() + ")");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(written.file());
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "pulldoctor: wrote "
              + written.file().getFileName()
              + " ("
              + Math.max(1, (written.bytes() + 1023) / 1024)
              + " KiB, "
              + written.files()
              + " files); "
              + written.redactions()
              + " values left out, each listed in its manifest.json");
      err.flush();
      return ExitCodes.OK;
    }

    private Path target(Snapshot snapshot) throws InputException {
      String name = SupportBundles.fileName(snapshot.capturedAt());
      if (file == null) {
        return Path.of(name);
      }
      if (Files.isDirectory(file)) {
        return file.resolve(name);
      }
      Path parent = file.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw new InputException("-f: no such directory: " + parent);
      }
      return file;
    }
  }
}
