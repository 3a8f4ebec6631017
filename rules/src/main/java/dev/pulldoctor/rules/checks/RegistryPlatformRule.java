package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.JobScheduling;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import dev.pulldoctor.rules.model.ResourceKind;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Live: the image is built for the OS and architecture of the nodes that run connector pods. */
public final class RegistryPlatformRule implements ReachedRegistryRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "registry.platform",
          "The image is built for the nodes that run connector pods",
          Severity.CRITICAL,
          """
          A node pulls the image entry for its own OS and architecture (status.nodeInfo: e.g. \
          linux/amd64). An image index (manifest list) must list that platform; a single image \
          has one, in its config blob. An image built on an Apple silicon laptop is linux/arm64 \
          only and fails on amd64 nodes with "no match for platform in manifest" (or starts and \
          dies with "exec format error"). Connector pods go to the nodes selected by \
          JOB_KUBE_NODE_SELECTORS, and custom connectors to JOB_ISOLATED_KUBE_NODE_SELECTORS when \
          USE_CUSTOM_NODE_SELECTOR is true, so only those nodes are compared.\
          """,
          """
          Build and push the image for the nodes' platform, e.g. docker buildx build --platform \
          linux/amd64,linux/arm64 --push, or schedule connector pods on nodes of a platform the \
          image has.\
          """,
          List.of(
              "docs/classify.md (platform errors as containerd, CRI-O and Docker word them)",
              "https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md (pulling"
                  + " manifests and image indexes)",
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/KubeNodeSelector.kt#L31-L32"
                  + " (custom connectors' node selectors)"));

  private static final int NAMES_SHOWN = 5;

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public Result evaluate(Diagnosis diagnosis, TargetImage image, RegistryObservation answered) {
    Manifest manifest = answered.manifest();
    if (manifest.outcome() != ManifestOutcome.FOUND) {
      return Result.forImage(
          INFO,
          Status.SKIP,
          image.effective(),
          "the manifest was not read, so its platforms are unknown (see registry.image-exists)");
    }
    List<Platform> platforms = manifest.platforms();
    if (platforms.isEmpty()) {
      return Result.forImage(
          INFO,
          Status.SKIP,
          image.effective(),
          "the image's platforms are unknown: " + manifest.detail());
    }
    String offered = String.join(", ", platforms.stream().map(Platform::display).toList());
    Optional<CollectionError> unreadable =
        diagnosis.snapshot().collectionError(ResourceKind.NODES, diagnosis.install().namespace());
    if (unreadable.isPresent()) {
      return Result.forImage(
              INFO,
              Status.ERROR,
              image.effective(),
              "the image is built for "
                  + offered
                  + ", but the nodes could not be compared: "
                  + unreadable.get().describe())
          .withEvidence("platforms", platforms.stream().map(Platform::display).toList());
    }
    Selection selection = nodesForJobs(diagnosis);
    if (selection.nodes().isEmpty()) {
      return Result.forImage(
              INFO,
              Status.SKIP,
              image.effective(),
              "the image is built for "
                  + offered
                  + "; no Node objects were read to compare with"
                  + (selection.selector().isEmpty()
                      ? ""
                      : " (none matches the job node selector " + selection.selector() + ")"))
          .withEvidence("platforms", platforms.stream().map(Platform::display).toList());
    }
    Map<String, List<String>> uncovered = new LinkedHashMap<>();
    TreeSet<String> covered = new TreeSet<>();
    for (Node node : selection.nodes()) {
      String platform = nodePlatform(node);
      boolean ok =
          platforms.stream().anyMatch(p -> (p.os() + "/" + p.architecture()).equals(platform));
      if (ok) {
        covered.add(platform);
      } else {
        uncovered
            .computeIfAbsent(platform, p -> new ArrayList<>())
            .add(node.getMetadata().getName());
      }
    }
    String which =
        selection.selector().isEmpty()
            ? "the cluster's nodes"
            : "the nodes matching the job node selector " + selection.selector();
    Result result;
    if (uncovered.isEmpty()) {
      result =
          Result.forImage(
              INFO,
              Status.PASS,
              image.effective(),
              "the image is built for "
                  + offered
                  + ", which covers "
                  + which
                  + " ("
                  + String.join(", ", covered)
                  + ")");
    } else {
      String missing =
          String.join(
              "; ",
              uncovered.entrySet().stream()
                  .map(e -> e.getKey() + " (" + names(e.getValue()) + ")")
                  .toList());
      boolean none = covered.isEmpty();
      result =
          Result.forImage(
                  INFO,
                  none ? Status.FAIL : Status.WARN,
                  image.effective(),
                  "the image is built for "
                      + offered
                      + (none ? " only, but " : ", but some of ")
                      + which
                      + " are "
                      + missing
                      + ": "
                      + (none ? "every" : "a")
                      + " connector pod "
                      + (none ? "fails" : "scheduled there fails")
                      + " with 'no match for platform in manifest'")
              .withFix(remediation(diagnosis.install(), image, uncovered, platforms))
              .withCause(PullErrorCause.PLATFORM)
              .withEvidence("nodePlatforms", List.copyOf(uncovered.keySet()));
    }
    return result.withEvidence("platforms", platforms.stream().map(Platform::display).toList());
  }

  private static Fix remediation(
      AirbyteInstall install,
      TargetImage image,
      Map<String, List<String>> uncovered,
      List<Platform> offered) {
    TreeSet<String> wanted = new TreeSet<>(uncovered.keySet());
    offered.forEach(p -> wanted.add(p.os() + "/" + p.architecture()));
    String reference =
        image
            .reference()
            .map(r -> r.isDockerHub() ? r.familiar() : r.toString())
            .orElse(image.effective());
    Platform first = offered.get(0);
    // The selector keeps the pairs already in force; only the architecture is added or replaced.
    Map<String, String> selector = new LinkedHashMap<>(JobScheduling.of(install).nodeSelector());
    selector.put("kubernetes.io/arch", first.architecture());
    String value =
        String.join(
            ",", selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    return Fixes.run(
            "Rebuild and push the image for every node platform:",
            "docker buildx build --platform "
                + String.join(",", wanted)
                + " -t "
                + Fixes.shellWord(reference)
                + " --push .")
        .or(
            Fix.of(
                "run connector pods only on "
                    + first.os()
                    + "/"
                    + first.architecture()
                    + " nodes (and set the same in your Helm values so an upgrade keeps it):",
                new Step.SetEnv(
                    Fixes.launcher(install), JobScheduling.selectorVariable(install), value)));
  }

  /** The job node selector in force and the nodes it selects (all nodes when there is none). */
  private record Selection(String selector, List<Node> nodes) {}

  private static Selection nodesForJobs(Diagnosis diagnosis) {
    JobScheduling scheduling = JobScheduling.of(diagnosis.install());
    Map<String, String> wanted = scheduling.nodeSelector();
    List<Node> nodes =
        diagnosis.snapshot().nodes().stream()
            .filter(
                n -> {
                  Map<String, String> labels =
                      n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
                  return wanted.entrySet().stream()
                      .allMatch(w -> w.getValue().equals(labels.get(w.getKey())));
                })
            .toList();
    return new Selection(scheduling.selectorText(), nodes);
  }

  private static String nodePlatform(Node node) {
    String os = null;
    String arch = null;
    if (node.getStatus() != null && node.getStatus().getNodeInfo() != null) {
      os = node.getStatus().getNodeInfo().getOperatingSystem();
      arch = node.getStatus().getNodeInfo().getArchitecture();
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (os == null || os.isEmpty()) {
      os = labels.getOrDefault("kubernetes.io/os", "linux");
    }
    if (arch == null || arch.isEmpty()) {
      arch = labels.getOrDefault("kubernetes.io/arch", "unknown");
    }
    return os.toLowerCase(Locale.ROOT) + "/" + arch.toLowerCase(Locale.ROOT);
  }

  private static String names(List<String> nodes) {
    String shown = String.join(", ", nodes.subList(0, Math.min(NAMES_SHOWN, nodes.size())));
    return nodes.size() > NAMES_SHOWN
        ? shown + " and " + (nodes.size() - NAMES_SHOWN) + " more"
        : shown;
  }
}
