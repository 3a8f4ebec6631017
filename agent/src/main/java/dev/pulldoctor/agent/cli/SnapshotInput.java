package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.bundle.Bundle;
import dev.pulldoctor.agent.bundle.BundleReader;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.ClusterSecrets;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.collect.ManifestSecrets;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.probe.ProbePolicy;
import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.agent.probe.SnapshotProbe;
import dev.pulldoctor.agent.render.SourceLocations;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a diagnosis reads, and reading it: the cluster (with probes of the images' registries),
 * manifests or a bundle, selected by the same flags in every command that diagnoses ({@code
 * diagnose}, {@code fix}).
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

  @Mixin ProbeOptions probes = new ProbeOptions();

  @Mixin AirbyteApiOptions airbyteApi = new AirbyteApiOptions();

  // Set by diagnose(): where the objects of the diagnosed snapshot came from.
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
    airbyteApi.request();
    ProbePolicy policy = probes.policy();
    List<String> imagesToCheck = images;
    Snapshot snapshot;
    if (bundle != null) {
      Bundle read = fromBundle(bundle);
      locations = bundleLocations(bundle);
      snapshot = read.snapshot();
      warnActivePullIgnored("--bundle");
      // Check the images the bundle was made for, unless told otherwise.
      imagesToCheck = images.isEmpty() ? read.manifest().images() : images;
    } else {
      snapshot = manifests.isEmpty() ? fromCluster(policy, clock) : fromManifests(policy, clock);
      if (manifests.isEmpty()) {
        locations = SourceLocations.KUBERNETES;
      }
    }
    Instant clockForRules = rulesClock(snapshot);
    Diagnosis diagnosis =
        Diagnosis.of(snapshot, clockForRules, offline || bundle != null, imagesToCheck);
    return diagnosis;
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

  private static SourceLocations bundleLocations(Path file) {
    String uri = SourceLocations.fileUri(file.toString());
    return ref ->
        BundleReader.entryOf(ref.kind())
            .map(entry -> new SourceLocations.SourceLocation(uri + "#" + entry, 0));
  }

  private static SourceLocations manifestLocations(Map<ObjectRef, ManifestReader.Origin> origins) {
    return ref ->
        Optional.ofNullable(origins.get(ref))
            .map(
                origin ->
                    new SourceLocations.SourceLocation(
                        SourceLocations.fileUri(origin.file()), origin.line()));
  }

  /** The time the report is generated at: {@code --now}, else the clock. */
  Instant generatedAt(Clock clock) {
    return now != null ? now : clock.instant();
  }

  /** Whether the input is a live cluster (not manifests, not a bundle). */
  boolean live() {
    return manifests.isEmpty() && bundle == null;
  }

  private Bundle fromBundle(Path file) throws InputException {
    progress("reading bundle " + file);
    return new BundleReader().read(file);
  }

  private Snapshot fromManifests(ProbePolicy policy, Clock clock) throws InputException {
    progress("reading " + manifests.size() + " manifest path(s)");
    ManifestSnapshots.Located read =
        new ManifestSnapshots(clock).readWithOrigins(manifests, cluster.namespace);
    locations = manifestLocations(read.origins());
    Snapshot snapshot = airbyteApi.discover(read.snapshot(), null, offline, true);
    warnActivePullIgnored("--manifests");
    // From files, only images named with --image are probed: the files may be old or foreign.
    if (offline || images.isEmpty()) {
      return snapshot;
    }
    return probe(
        policy, snapshot, new ManifestSecrets(manifests, snapshot.source().namespace()), null);
  }

  private void warnActivePullIgnored(String because) {
    if (probes.activePull) {
      spec.commandLine()
          .getErr()
          .println("pulldoctor: --active-pull needs a live cluster; ignored with " + because);
      spec.commandLine().getErr().flush();
    }
  }

  private Snapshot fromCluster(ProbePolicy policy, Clock clock)
      throws InputException, ClusterUnreachableException {
    try (KubeClients.Connection connection =
        KubeClients.connect(cluster.kubeconfig, cluster.context)) {
      progress(
          "reading cluster"
              + (connection.context() == null ? "" : " context " + connection.context())
              + (cluster.namespace == null ? "" : ", namespace " + cluster.namespace));
      Snapshot snapshot =
          new ClusterCollector(connection.client(), clock)
              .collect(cluster.namespace, connection.context());
      snapshot =
          airbyteApi.discover(
              snapshot, connection, offline, cluster.kubeconfig == null && cluster.context == null);
      // Probe while the client is open: credentials are read from the live Secret when needed.
      if (offline) {
        warnActivePullIgnored("--offline");
        return snapshot;
      }
      return probe(
          policy,
          snapshot,
          new ClusterSecrets(connection.client()),
          probes.activePullRunner(connection));
    }
  }

  /**
   * Probes the registries of {@code --image} (else of the snapshot's images) with these secrets.
   */
  private Snapshot probe(
      ProbePolicy policy,
      Snapshot snapshot,
      SecretSource secrets,
      SnapshotProbe.@Nullable ActivePullRunner activePull) {
    return probes
        .snapshotProbe(policy, this::progress)
        .probe(snapshot, rulesClock(snapshot), images, secrets, activePull);
  }

  private Instant rulesClock(Snapshot snapshot) {
    return now != null ? now : snapshot.capturedAt();
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
