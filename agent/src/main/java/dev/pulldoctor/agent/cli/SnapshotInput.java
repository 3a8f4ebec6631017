package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.pipeline.Collected;
import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import dev.pulldoctor.agent.pipeline.Progress;
import dev.pulldoctor.agent.pipeline.Source;
import dev.pulldoctor.agent.render.SourceLocations;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a diagnosis reads: the cluster (with probes of the images' registries), manifests or a
 * bundle, selected by the same flags in every command that diagnoses ({@code diagnose}, {@code
 * fix}), and the {@link DiagnosisPipeline} these flags configure.
 */
final class SnapshotInput {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Connector image to check, as registered in Airbyte (repeatable). Default: the images"
              + " of connector job pods (label airbyte=job-pod) and of their pull events.")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--manifests",
      paramLabel = "PATH",
      description =
          "Read objects from YAML/JSON files or directories (kubectl get -o yaml output,"
              + " multi-document YAML, kind: List, JSON lists) instead of a cluster (repeatable);"
              + " '-' reads standard input. Up to 512 MiB per file.")
  List<Path> manifests = new ArrayList<>();

  @Option(
      names = "--bundle",
      paramLabel = "FILE",
      description =
          "Read a support bundle made by 'pulldoctor bundle create' instead of a cluster, and run"
              + " the rules offline (same as 'pulldoctor analyze FILE').")
  @Nullable Path bundle;

  @Option(names = "--offline", description = "Make no network call except to the Kubernetes API.")
  boolean offline;

  @Option(
      names = "--now",
      paramLabel = "RFC3339",
      converter = TimeConverter.class,
      description =
          "Clock for time-based rules, e.g. 2026-11-23T12:00:00Z (default: snapshot time).")
  @Nullable Instant now;

  @Mixin NetworkOptions network = new NetworkOptions();

  // Set by diagnose(): how the diagnosed input was read, and where its objects came from.
  private @Nullable DiagnosisPipeline pipeline;
  private SourceLocations locations = SourceLocations.NONE;

  /** Reads the selected input and prepares the diagnosis the rules run on. */
  Diagnosis diagnose(Clock clock) throws InputException, ClusterUnreachableException {
    cluster.refuseWithManifests(manifests, spec);
    if (bundle != null
        && (!manifests.isEmpty()
            || cluster.kubeconfig != null
            || cluster.context != null
            || cluster.namespace != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--bundle reads a bundle file and cannot be combined with --manifests, --kubeconfig,"
              + " --context or -n");
    }
    DiagnosisPipeline run =
        new DiagnosisPipeline(network.settings(clock, images, offline, now, false), progress());
    Collected collected = run.collect(source());
    pipeline = run;
    locations = collected.locations();
    return run.diagnosis(collected);
  }

  /** Every rule on {@code diagnosis}, as the last {@link #diagnose} configured them. */
  Report report(Diagnosis diagnosis) {
    return pipeline().report(diagnosis);
  }

  /** How the last {@link #diagnose} ran, to run the rules the same way. */
  DiagnosisPipeline pipeline() {
    DiagnosisPipeline run = pipeline;
    if (run == null) {
      throw new IllegalStateException("nothing diagnosed yet");
    }
    return run;
  }

  private Source source() {
    if (bundle != null) {
      return new Source.SupportBundle(bundle);
    }
    if (!manifests.isEmpty()) {
      return new Source.Manifests(manifests, cluster.namespace);
    }
    return new Source.Cluster(cluster.kubeconfig, cluster.context, cluster.namespace);
  }

  /** Progress on a terminal; a word when --active-pull cannot run on this input. */
  private Progress progress() {
    return new Progress() {
      @Override
      public void doing(String message) {
        progress(message);
      }

      @Override
      public void activePullSkipped(Source source) {
        String because =
            source instanceof Source.SupportBundle
                ? "--bundle"
                : source instanceof Source.Manifests ? "--manifests" : "--offline";
        spec.commandLine()
            .getErr()
            .println("pulldoctor: --active-pull needs a live cluster; ignored with " + because);
        spec.commandLine().getErr().flush();
      }
    };
  }

  /**
   * Whether the diagnosis found Airbyte's job launcher; when not, says so on stderr (nothing was
   * diagnosed, so a clean-looking report must not read as success: exit 3).
   */
  boolean foundLauncher(Diagnosis diagnosis) {
    if (diagnosis.install().jobLauncher().isPresent()) {
      return true;
    }
    PrintWriter err = spec.commandLine().getErr();
    String namespace = diagnosis.install().namespace();
    err.println(
        "pulldoctor: "
            + diagnosis
                .snapshot()
                .collectionError("deployments", namespace)
                .map(
                    e ->
                        "the Airbyte job launcher could not be looked for in namespace "
                            + namespace
                            + ": "
                            + e.describe())
                .orElse(diagnosis.install().noLauncherExplanation()));
    err.flush();
    return false;
  }

  /**
   * Where the objects of the last {@link #diagnose} came from: a manifest's file and line, a
   * bundle's entry, or for a live cluster the object's {@code k8s://} URI (docs/sarif.md).
   */
  SourceLocations locations() {
    return locations;
  }

  /** Whether the input is a live cluster (not manifests, not a bundle). */
  boolean live() {
    return manifests.isEmpty() && bundle == null;
  }

  void progress(String message) {
    if (interactive()) {
      spec.commandLine().getErr().println("pulldoctor: " + message + "…");
      spec.commandLine().getErr().flush();
    }
  }

  // On the Java 17 we target, console() is null exactly when stdin/stdout are not a terminal.
  @SuppressWarnings("SystemConsoleNull")
  static boolean interactive() {
    return System.console() != null;
  }
}
