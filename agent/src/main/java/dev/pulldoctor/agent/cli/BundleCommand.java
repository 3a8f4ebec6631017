package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.bundle.BundleRequest;
import dev.pulldoctor.agent.bundle.BundleWriter;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.ClusterSecrets;
import dev.pulldoctor.agent.collect.ClusterUnreachableException;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.collect.ManifestSecrets;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.probe.ProbePolicy;
import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.agent.probe.SnapshotProbe;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

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

    @Mixin ProbeOptions probes = new ProbeOptions();

    @Mixin AirbyteApiOptions airbyteApi = new AirbyteApiOptions();

    private final Clock clock;

    Create() {
      this(Clock.systemUTC());
    }

    Create(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() throws InputException, ClusterUnreachableException {
      cluster.refuseWithManifests(manifests, spec);
      airbyteApi.request();
      ProbePolicy policy = probes.policy();
      String serverVersion = null;
      Snapshot snapshot;
      if (manifests.isEmpty()) {
        try (KubeClients.Connection connection =
            KubeClients.connect(cluster.kubeconfig, cluster.context)) {
          snapshot =
              airbyteApi.discover(
                  new ClusterCollector(connection.client(), clock)
                      .collect(cluster.namespace, connection.context()),
                  connection,
                  offline,
                  cluster.kubeconfig == null && cluster.context == null);
          // The probes' observations travel in the bundle: analyze shows what was seen, and when.
          if (!offline) {
            snapshot =
                probe(
                    policy,
                    snapshot,
                    new ClusterSecrets(connection.client()),
                    probes.activePullRunner(connection));
          }
          serverVersion = serverVersion(connection);
        }
      } else {
        snapshot =
            airbyteApi.discover(
                new ManifestSnapshots(clock).read(manifests, cluster.namespace),
                null,
                offline,
                true);
        // As in diagnose: from files, only images named with --image are probed.
        if (!offline && !images.isEmpty()) {
          snapshot =
              probe(
                  policy,
                  snapshot,
                  new ManifestSecrets(manifests, snapshot.source().namespace()),
                  null);
        }
      }
      Path target = target(snapshot);
      BundleWriter.Written written;
      try {
        written =
            BundleWriter.write(
                new BundleRequest(
                    snapshot,
                    images,
                    offline,
                    clock.instant(),
                    VersionInfo.version(),
                    serverVersion),
                target);
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

    /**
     * Probes the registries of {@code --image} (else of the snapshot's images) with these secrets.
     */
    private Snapshot probe(
        ProbePolicy policy,
        Snapshot snapshot,
        SecretSource secrets,
        SnapshotProbe.@Nullable ActivePullRunner activePull) {
      return probes
          .snapshotProbe(policy, message -> {})
          .probe(snapshot, snapshot.capturedAt(), images, secrets, activePull);
    }

    private Path target(Snapshot snapshot) throws InputException {
      String name = fileName(snapshot.capturedAt());
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

    /** The default name of a bundle captured at {@code capturedAt}. */
    static String fileName(Instant capturedAt) {
      return "pulldoctor-bundle-" + STAMP.format(capturedAt) + ".tar.gz";
    }

    /** The API server's version for the manifest; the bundle is useful without it. */
    static @Nullable String serverVersion(KubeClients.Connection connection) {
      try {
        return connection.client().getKubernetesVersion().getGitVersion();
      } catch (KubernetesClientException e) {
        return null;
      }
    }
  }
}
