package dev.pulldoctor.agent.pipeline;

import dev.pulldoctor.agent.activepull.ActivePullTester;
import dev.pulldoctor.agent.airbyte.AirbyteDiscovery;
import dev.pulldoctor.agent.airbyte.Limits;
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
import dev.pulldoctor.agent.probe.ProbeSetup;
import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.agent.probe.SnapshotProbe;
import dev.pulldoctor.agent.render.SourceLocations;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One diagnosis, for every command and the daemon: a {@link Source} is read, then (unless offline)
 * Airbyte's API is asked for the custom connectors and the images' registries are probed, with the
 * active pull test on a live cluster when asked for, then every rule runs. Commands and the daemon
 * only configure it ({@link Settings}); a bundle is written from what it collected by {@link
 * #bundles}.
 */
public final class DiagnosisPipeline {
  private static final Duration ACTIVE_PULL_TIMEOUT = Duration.ofSeconds(90);

  /**
   * How the registries are probed.
   *
   * @param setup how probes reach the network (the system's, or a test's), made when a probe is
   *     about to run: it reads the trust store and the proxy environment
   * @param activePull whether a live cluster also runs the active pull test
   */
  public record Probes(ProbePolicy policy, Supplier<ProbeSetup> setup, boolean activePull) {}

  /**
   * How a pipeline runs.
   *
   * @param images the images named by the user; empty to take those the diagnosis finds
   * @param offline whether no network call may be made except to the Kubernetes API
   * @param now the rules' clock, null for the snapshot's time
   * @param airbyte where and as whom to ask Airbyte's API
   * @param toolVersion the pulldoctor version, sent to registries and written in bundles
   * @param askServerVersion whether a live run asks the API server's version (for a bundle)
   */
  public record Settings(
      Clock clock,
      List<String> images,
      boolean offline,
      @Nullable Instant now,
      AirbyteDiscovery.Request airbyte,
      Probes probes,
      String toolVersion,
      boolean askServerVersion) {
    public Settings {
      images = List.copyOf(images);
    }
  }

  private final Settings settings;
  private final Progress progress;

  public DiagnosisPipeline(Settings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Reads {@code source}, then asks Airbyte's API and probes the registries as configured. */
  public Collected collect(Source source) throws InputException, ClusterUnreachableException {
    if (source instanceof Source.Cluster cluster) {
      return fromCluster(cluster);
    }
    if (source instanceof Source.Manifests manifests) {
      return fromManifests(manifests);
    }
    return fromBundle((Source.SupportBundle) source);
  }

  /**
   * The steps after collection for a cluster the caller keeps connected (the daemon's runs):
   * discovery, then probes, with credentials read afresh each time so that rotated secrets and
   * files are picked up. A discovery that cannot read its credentials file loses that run's listing
   * only: {@code discoveryRefused} is told why and the probes still run.
   */
  public UnaryOperator<Snapshot> afterCollection(
      Source.Cluster cluster, KubernetesClient client, Consumer<String> discoveryRefused) {
    if (settings.offline()) {
      return UnaryOperator.identity();
    }
    SnapshotProbe probe = snapshotProbe();
    return snapshot -> {
      Snapshot discovered = snapshot;
      try {
        discovered = discover(snapshot, client, cluster.defaultConfig());
      } catch (InputException e) {
        discoveryRefused.accept(String.valueOf(e.getMessage()));
      }
      return probe.probe(
          discovered,
          rulesClock(discovered),
          settings.images(),
          new ClusterSecrets(client),
          activePullRunner(client));
    };
  }

  /** What the rules run on: the collected snapshot at the rules' clock. */
  public Diagnosis diagnosis(Collected collected) {
    return Diagnosis.of(
        collected.snapshot(),
        rulesClock(collected.snapshot()),
        collected.offline(),
        collected.images());
  }

  /** The engine of every rule. */
  public RuleEngine engine() {
    return new RuleEngine(Rules.all());
  }

  /** Every rule on {@code diagnosis}, stamped {@link #generatedAt}. */
  public Report report(Diagnosis diagnosis) {
    return engine().run(diagnosis, generatedAt());
  }

  /** The time a report is generated at: the configured clock for the rules, else now. */
  public Instant generatedAt() {
    Instant now = settings.now();
    return now != null ? now : settings.clock().instant();
  }

  /** Support bundles of what this pipeline collects, with its images and offline setting. */
  public SupportBundles bundles() {
    return new SupportBundles(
        settings.images(), settings.offline(), settings.toolVersion(), settings.clock());
  }

  private Collected fromCluster(Source.Cluster cluster)
      throws InputException, ClusterUnreachableException {
    try (KubeClients.Connection connection =
        KubeClients.connect(cluster.kubeconfig(), cluster.context())) {
      progress.doing(
          "reading cluster"
              + (connection.context() == null ? "" : " context " + connection.context())
              + (cluster.namespace() == null ? "" : ", namespace " + cluster.namespace()));
      KubernetesClient client = connection.client();
      Snapshot snapshot =
          new ClusterCollector(client, settings.clock())
              .collect(cluster.namespace(), connection.context());
      snapshot = discover(snapshot, client, cluster.defaultConfig());
      // Probe while the client is open: credentials are read from the live Secret when needed.
      if (settings.offline()) {
        skipActivePull(cluster);
      } else {
        snapshot = probe(snapshot, new ClusterSecrets(client), activePullRunner(client));
      }
      return new Collected(
          snapshot,
          SourceLocations.KUBERNETES,
          settings.images(),
          settings.offline(),
          settings.askServerVersion() ? SupportBundles.serverVersion(client) : null);
    }
  }

  private Collected fromManifests(Source.Manifests manifests) throws InputException {
    progress.doing("reading " + manifests.paths().size() + " manifest path(s)");
    ManifestSnapshots.Located read =
        new ManifestSnapshots(settings.clock())
            .readWithOrigins(manifests.paths(), manifests.namespace());
    Snapshot snapshot = discover(read.snapshot(), null, true);
    skipActivePull(manifests);
    // Only images named by the user are probed: the files may be old or foreign.
    if (!settings.offline() && !settings.images().isEmpty()) {
      snapshot =
          probe(
              snapshot,
              new ManifestSecrets(manifests.paths(), snapshot.source().namespace()),
              null);
    }
    return new Collected(
        snapshot, manifestLocations(read.origins()), settings.images(), settings.offline(), null);
  }

  private Collected fromBundle(Source.SupportBundle bundle) throws InputException {
    progress.doing("reading bundle " + bundle.file());
    Bundle read = new BundleReader().read(bundle.file());
    skipActivePull(bundle);
    // Check the images the bundle was made for, unless told otherwise.
    List<String> images =
        settings.images().isEmpty() ? read.manifest().images() : settings.images();
    return new Collected(read.snapshot(), bundleLocations(bundle.file()), images, true, null);
  }

  private void skipActivePull(Source source) {
    if (settings.probes().activePull()) {
      progress.activePullSkipped(source);
    }
  }

  /**
   * Adds what Airbyte's API says about custom connectors to the snapshot.
   *
   * @param kubernetes the cluster's client, null when reading files
   * @param defaultConfig whether the client uses the default configuration, so that inside a pod it
   *     is the pod's own cluster
   */
  private Snapshot discover(
      Snapshot snapshot, @Nullable KubernetesClient kubernetes, boolean defaultConfig)
      throws InputException {
    if (settings.offline()) {
      return snapshot;
    }
    String namespace = snapshot.source().namespace();
    AirbyteInstall install = AirbyteInstall.from(snapshot, namespace);
    return new AirbyteDiscovery(System.getenv(), Limits.DEFAULT)
        .discover(
            settings.airbyte(),
            kubernetes,
            namespace,
            install.release().orElse(null),
            kubernetes != null && defaultConfig && inCluster())
        .map(snapshot::withConnectorDiscovery)
        .orElse(snapshot);
  }

  /** Probes the registries of the named images (else of the snapshot's) with these secrets. */
  private Snapshot probe(
      Snapshot snapshot,
      SecretSource secrets,
      SnapshotProbe.@Nullable ActivePullRunner activePull) {
    return snapshotProbe()
        .probe(snapshot, rulesClock(snapshot), settings.images(), secrets, activePull);
  }

  private SnapshotProbe snapshotProbe() {
    Probes probes = settings.probes();
    return new SnapshotProbe(
        probes.policy(),
        probes.setup().get(),
        "pulldoctor/" + settings.toolVersion(),
        progress::doing);
  }

  private SnapshotProbe.@Nullable ActivePullRunner activePullRunner(KubernetesClient client) {
    return settings.probes().activePull()
        ? new ActivePullTester(client, ACTIVE_PULL_TIMEOUT, Duration.ofSeconds(1))::run
        : null;
  }

  private Instant rulesClock(Snapshot snapshot) {
    Instant now = settings.now();
    return now != null ? now : snapshot.capturedAt();
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

  /** In a pod (the daemon, or a Job) the Service is called directly, by its cluster DNS name. */
  private static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }
}
