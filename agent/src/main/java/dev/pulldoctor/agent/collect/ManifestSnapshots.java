package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a {@link Snapshot} from manifest files, as if they had been read from a cluster. */
public final class ManifestSnapshots {
  private static final Logger logger = LoggerFactory.getLogger(ManifestSnapshots.class);
  private static final String FALLBACK_NAMESPACE = "airbyte";

  private final Clock clock;

  public ManifestSnapshots(Clock clock) {
    this.clock = clock;
  }

  /**
   * Reads manifests into a snapshot of the Airbyte namespace.
   *
   * @param paths files and directories
   * @param namespace the Airbyte namespace, or null to find it in the objects
   */
  public Snapshot read(List<Path> paths, @Nullable String namespace) throws InputException {
    return readWithOrigins(paths, namespace).snapshot();
  }

  /**
   * A snapshot and where each of its objects was read.
   *
   * @param origins the file and line of each object, by the object's reference (its namespace
   *     filled in as in the snapshot); the first wins when two files hold the same object
   */
  public record Located(Snapshot snapshot, Map<ObjectRef, ManifestReader.Origin> origins) {
    public Located {
      origins = Map.copyOf(origins);
    }
  }

  /** Like {@link #read}, also telling where each object was read. */
  public Located readWithOrigins(List<Path> paths, @Nullable String namespace)
      throws InputException {
    ManifestReader.Manifests manifests = new ManifestReader().read(paths);
    if (manifests.ignored() > 0) {
      logger.info("ignored {} object(s) of kinds pulldoctor does not read", manifests.ignored());
    }
    String airbyteNamespace = namespace != null ? namespace : findNamespace(manifests.objects());
    for (HasMetadata object : manifests.objects()) {
      if (object.getMetadata().getNamespace() == null) {
        // like kubectl apply -n: objects written without a namespace belong to the one in use
        object.getMetadata().setNamespace(airbyteNamespace);
      }
    }
    Map<ObjectRef, ManifestReader.Origin> origins = new HashMap<>();
    for (int i = 0; i < manifests.objects().size(); i++) {
      origins.putIfAbsent(ObjectRef.of(manifests.objects().get(i)), manifests.origins().get(i));
    }
    String context =
        String.join(
            ", ",
            paths.stream()
                .map(p -> ManifestReader.isStdin(p) ? ManifestReader.STDIN_NAME : p.toString())
                .toList());
    Snapshot.Builder builder =
        Snapshot.builder(
            clock.instant(), new Source(SourceType.MANIFESTS, context, airbyteNamespace));
    builder.addAll(manifests.objects());
    logger.debug(
        "read {} object(s) from {} file(s); Airbyte namespace {}",
        manifests.objects().size(),
        manifests.files().size(),
        airbyteNamespace);
    return new Located(builder.build(), origins);
  }

  /** The launcher's namespace, else the most common namespace of the objects, else 'airbyte'. */
  private static String findNamespace(List<HasMetadata> objects) {
    List<Deployment> deployments =
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
    List<String> launchers = AirbyteInstall.launcherNamespaces(deployments);
    if (!launchers.isEmpty()) {
      return launchers.get(0);
    }
    Map<String, Long> counts =
        objects.stream()
            .map(o -> o.getMetadata().getNamespace())
            .filter(Objects::nonNull)
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    return counts.entrySet().stream()
        .max(
            Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .map(Map.Entry::getKey)
        .orElse(FALLBACK_NAMESPACE);
  }
}
