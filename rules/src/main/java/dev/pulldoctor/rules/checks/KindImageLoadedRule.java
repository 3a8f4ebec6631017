package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** On kind, the connector image is loaded on the nodes (or can be pulled). */
public final class KindImageLoadedRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "kind.image-loaded",
          "On a kind cluster the connector image is loaded on the nodes",
          Severity.CRITICAL,
          """
          kind (and abctl, which runs Airbyte in the kind cluster airbyte-abctl) runs Kubernetes \
          nodes as containers, so an image built with docker build on your machine is not on the \
          nodes until 'kind load docker-image IMG:TAG -n CLUSTER' copies it in; abctl loads only \
          Airbyte's own images, never custom connectors. Without it the kubelet tries to pull the \
          image from its registry: a locally built name such as source-foo:dev means Docker Hub's \
          library/source-foo, and 'localhost' is the node container itself. Kind nodes are \
          recognised by spec.providerID kind://<provider>/<cluster>/<node>. The check reads \
          Node.status.images, where names are normalised (docker.io/library/source-foo:dev). \
          The kubelet lists only the 50 largest images (nodeStatusMaxImages), so on a full list \
          a missing name means 'unknown', not 'absent'. Loading a multi-platform image from \
          Docker Desktop's containerd image store or OrbStack fails with 'ctr: content digest \
          sha256:...: not found'; saving one platform and loading the archive works.\
          """,
          """
          Load the image into the cluster with kind load docker-image IMG:TAG -n CLUSTER (abctl: \
          -n airbyte-abctl), or push it to a registry the nodes can pull from and give job pods \
          a pull secret for it.\
          """,
          List.of(
              "https://kind.sigs.k8s.io/docs/user/quick-start/#loading-an-image-into-your-cluster",
              "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"
                  + " (nodeStatusMaxImages, default 50)",
              "https://github.com/kubernetes-sigs/kind/blob/v0.32.0/pkg/cluster/internal/kubeadm/config.go"
                  + " (providerID kind://)",
              "https://docs.airbyte.com/platform/operator-guides/using-custom-connectors (kind load"
                  + " docker-image ... -n airbyte-abctl)",
              "https://github.com/airbytehq/abctl/blob/v0.30.4/internal/service/install.go#L152-L172"
                  + " (abctl loads only the chart's images)",
              "kubernetes-sigs/kind pkg/cluster/nodeutils/util.go",
              "kubernetes-sigs/kind PR #4247 (kind load image-archive workaround)"),
          List.of(ResourceKind.NODES));

  private static final Set<String> PULL_FAILURE_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull");

  @Override
  public RuleInfo info() {
    return INFO;
  }

  /** Nodes are cluster-scoped: read once, about no one object. */
  @Override
  public Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return Optional.of(new ReadScope(diagnosis.install().namespace(), null));
  }

  @Override
  public Result unreadable(Diagnosis diagnosis, ReadScope scope, List<CollectionError> errors) {
    Result couldNotRun = Rule.super.unreadable(diagnosis, scope, errors);
    return Result.of(INFO, Status.ERROR, couldNotRun.message() + " (needed to detect kind)");
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    List<Node> nodes = diagnosis.snapshot().nodes();
    if (nodes.isEmpty()) {
      return List.of(noNodes());
    }
    Optional<NodeImages.KindNode> kind = NodeImages.kindCluster(nodes);
    if (kind.isEmpty()) {
      return List.of(
          Result.of(
              INFO,
              Status.SKIP,
              "not a kind cluster (no node has a kind:// providerID), so images are pulled from"
                  + " their registries"));
    }
    if (diagnosis.images().isEmpty()) {
      return List.of(
          Result.of(
              INFO,
              Status.SKIP,
              "kind cluster "
                  + kind.get().cluster()
                  + ": no connector image to check (pass --image)"));
    }
    List<Node> jobNodes = NodeImages.schedulable(NodeImages.kindNodes(nodes));
    List<Result> results = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      results.add(check(diagnosis, kind.get(), jobNodes, image));
    }
    return results;
  }

  /** No Node objects were given (reading them was not refused). */
  private static Result noNodes() {
    return Result.of(
        INFO,
        Status.SKIP,
        "no Node objects in the snapshot, so a kind cluster cannot be detected (add kubectl get"
            + " nodes -o yaml to --manifests)");
  }

  private static Result check(
      Diagnosis diagnosis, NodeImages.KindNode kind, List<Node> nodes, TargetImage image) {
    Optional<ImageReference> parsed = image.reference();
    if (parsed.isEmpty()) {
      return TargetImagesRule.invalidReference(INFO, image, "nothing can be loaded or pulled");
    }
    ImageReference ref = parsed.get();
    NodeImages.Census census = NodeImages.census(nodes, ref);
    String cluster = kind.cluster();
    if (census.onAll()) {
      return Result.forImage(
              INFO,
              Status.PASS,
              image.effective(),
              image.effective()
                  + " is loaded on "
                  + nodeWords(census.present())
                  + " of kind cluster "
                  + cluster
                  + " (listed as "
                  + ref
                  + "), and Airbyte's default pull policy IfNotPresent uses it as is")
          .withEvidence(evidence(kind, census));
    }
    if (!census.absent().isEmpty()) {
      return absent(diagnosis, kind, nodes, image, ref, census);
    }
    String node = census.unknown().get(0);
    int listed = NodeImages.listedImages(nodes, node);
    String why =
        listed == 0
            ? "node " + node + " reports no status.images"
            : "node "
                + node
                + " lists "
                + listed
                + " images and "
                + ref
                + " is not among them, but status.images is capped at "
                + NodeImages.NODE_STATUS_MAX_IMAGES
                + " by the kubelet's nodeStatusMaxImages (largest first), so a small loaded image"
                + " can be missing from the list";
    return Result.of(
            INFO,
            Status.WARN,
            ObjectRef.of("Node", null, node),
            image.effective(),
            "unknown whether "
                + image.effective()
                + " is loaded into kind cluster "
                + cluster
                + ": "
                + why
                + ".")
        .withFix(
            lookOnTheNode(
                kind.provider(), node, ref, load(diagnosis.install(), image, ref, cluster, nodes)))
        .withEvidence(evidence(kind, census));
  }

  private static Result absent(
      Diagnosis diagnosis,
      NodeImages.KindNode kind,
      List<Node> nodes,
      TargetImage image,
      ImageReference ref,
      NodeImages.Census census) {
    String cluster = kind.cluster();
    String node = census.absent().get(0);
    StringBuilder message =
        new StringBuilder(image.effective())
            .append(" is not loaded into kind cluster ")
            .append(cluster)
            .append(" (node ")
            .append(node)
            .append(" lists ")
            .append(NodeImages.listedImages(nodes, node))
            .append(" images, none of them ")
            .append(ref)
            .append(census.absent().size() > 1 ? "; also missing on " + rest(census.absent()) : "")
            .append(")");
    RegistryKind registry = RegistryHosts.kind(ref.domain());
    Optional<String> failure = observedPullFailure(diagnosis, image);
    Optional<KubeletKeyring.Match> secret = matchingPullSecret(diagnosis, ref);
    Optional<String> loadedOn = NodeImages.firstLoadedNotPulled(nodes, ref);
    List<String> named = ReferencedSecrets.of(diagnosis).names();
    String failing = failure.map(f -> " (" + f + ")").orElse("");
    Status status;
    if (loadedOn.isPresent() && secret.isEmpty()) {
      status = Status.FAIL;
      message
          .append(", while node ")
          .append(loadedOn.get())
          .append(" has it without a registry digest, so it was loaded there, not pulled: job")
          .append(" pods scheduled on the other nodes try to pull it from ")
          .append(ref.apiHost())
          .append(failure.map(f -> " and fail (" + f + ")").orElse(""))
          .append(". Load it into every node.");
    } else if (registry == RegistryKind.LOCAL) {
      status = Status.FAIL;
      message
          .append(", and the kubelet cannot pull it instead")
          .append(failing)
          .append(": on a kind node '")
          .append(ref.domain())
          .append("' is the node container's own loopback, not your machine (unless you run kind's")
          .append(" local registry with a containerd mirror for it; then push the image there).");
    } else if (ref.isDockerHub() && ref.path().startsWith("library/")) {
      status = Status.FAIL;
      message
          .append(", and the short name means Docker Hub's official repository ")
          .append(ref.name())
          .append(", which holds no custom connector: the image was built locally and the")
          .append(" kubelet's pull fails with 'pull access denied' or 'not found'")
          .append(failing)
          .append('.');
    } else if (secret.isPresent()) {
      String how =
          " with pull secret "
              + secret.get().secretName()
              + " (key '"
              + secret.get().registryKey()
              + "')";
      if (failure.isEmpty()) {
        return Result.forImage(
                INFO,
                Status.PASS,
                image.effective(),
                message
                    + ", which is fine if it is pushed to "
                    + ref.apiHost()
                    + ": the kubelet pulls it"
                    + how
                    + "; pullsecret.registry-match and the registry rules check that pull.")
            .withEvidence(evidence(kind, census))
            .withEvidence("pullSecret", secret.get().secretName());
      }
      status = Status.WARN;
      message
          .append(", and the kubelet's pull from ")
          .append(ref.apiHost())
          .append(how)
          .append(" fails")
          .append(failing)
          .append(": the registry and pull-secret rules say why. Loading the image avoids the")
          .append(" pull.");
    } else if (failure.isPresent() && !named.isEmpty()) {
      // The pods name pull secrets, so the image is meant to be pulled: the pull-secret rules
      // explain the failure better than a suggestion to load the image.
      status = Status.WARN;
      message
          .append(", and pulling it from ")
          .append(ref.apiHost())
          .append(" fails")
          .append(failing)
          .append(". Job pods name pull secrets (")
          .append(String.join(", ", named))
          .append(") but none of them supplies credentials for ")
          .append(ref.domain())
          .append(": see the pullsecret.* results. Loading the image avoids the pull.");
    } else if (failure.isPresent()) {
      status = Status.FAIL;
      message
          .append(", and pulling it from ")
          .append(ref.apiHost())
          .append(" without credentials fails")
          .append(failing)
          .append('.');
    } else if (RegistryHosts.isCloudRegistry(registry)) {
      status = Status.FAIL;
      message
          .append(", and no pull secret of the job pods matches ")
          .append(ref.domain())
          .append(": kind nodes have no cloud credential provider, so the private registry")
          .append(" answers the anonymous pull with 401/403.");
    } else {
      status = Status.WARN;
      message
          .append(", and no pull secret of the job pods matches ")
          .append(ref.domain())
          .append(", so the kubelet pulls it anonymously from ")
          .append(ref.apiHost())
          .append(": that works only if the image is public there. If you built it locally,")
          .append(" load it.");
    }
    return Result.of(
            INFO, status, ObjectRef.of("Node", null, node), image.effective(), message.toString())
        .withFix(load(diagnosis.install(), image, ref, cluster, nodes))
        .withEvidence(evidence(kind, census))
        .withRegistry(ref.domain());
  }

  /** kind load with the real names, and the image-archive route for multi-platform images. */
  /** Looking on the node first; loading the image is the fix when it is not there. */
  private static Fix lookOnTheNode(String provider, String node, ImageReference ref, Fix load) {
    Fix look =
        Fixes.run(
            "Look on the node itself:",
            provider
                + " exec "
                + Fixes.shellWord(node)
                + " crictl images | grep -F "
                + Fixes.shellWord(ref.path()));
    Fix fix = look.or(Fix.of("If it is not there: " + load.reason(), load.steps()));
    for (Fix alternative : load.alternatives()) {
      fix = fix.or(alternative);
    }
    return fix;
  }

  static Fix load(
      AirbyteInstall install,
      TargetImage image,
      ImageReference ref,
      String cluster,
      List<Node> nodes) {
    String name = Fixes.shellWord(image.effective());
    String archive = Fixes.shellWord(archiveName(ref));
    String abctl =
        cluster.equals("airbyte-abctl")
            ? " (abctl never loads custom connector images; this needs the kind CLI:"
                + " https://kind.sigs.k8s.io)"
            : "";
    String digest =
        ref.digest() != null
            ? " A loaded image usually has no registry digest: reference it by tag, not by"
                + " digest."
            : "";
    List<Step> steps = new ArrayList<>();
    steps.add(new Step.LoadKindImage(cluster, image.effective()));
    String policy = install.launcherEnv(JobEnv.PULL_POLICY).value();
    boolean always = policy != null && policy.strip().equals("Always");
    if (always) {
      // With Always the kubelet pulls from the registry whatever the node holds (kind.pull-policy).
      steps.add(new Step.SetEnv(Fixes.launcher(install), JobEnv.PULL_POLICY, "IfNotPresent"));
    }
    return Fix.of(
            "Load the image onto the cluster's nodes"
                + abctl
                + (always ? ", and let the kubelet use it (the pull policy is Always)" : "")
                + ":"
                + digest,
            steps)
        .or(
            Fix.of(
                "if that fails with 'ctr: content digest sha256:...: not found' (a multi-platform"
                    + " image from Docker Desktop's containerd image store or OrbStack), load one"
                    + " platform from an archive:",
                new Step.Manual(
                    "",
                    "docker image save --platform "
                        + NodeImages.platform(nodes)
                        + " -o "
                        + archive
                        + " "
                        + name
                        + "\nkind load image-archive "
                        + archive
                        + " -n "
                        + Fixes.shellWord(cluster))));
  }

  private static String archiveName(ImageReference ref) {
    String path = ref.path();
    return path.substring(path.lastIndexOf('/') + 1) + ".tar";
  }

  /** A pull failure of this image seen on a job pod or in an event, in words. */
  private static Optional<String> observedPullFailure(Diagnosis diagnosis, TargetImage image) {
    String namespace = diagnosis.install().jobNamespace();
    for (Pod pod : ImageInventory.jobPods(diagnosis.snapshot(), namespace)) {
      if (pod.getSpec() == null || pod.getStatus() == null) {
        continue;
      }
      List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
      for (Container container : pod.getSpec().getContainers()) {
        if (!image.effective().equals(container.getImage()) || statuses == null) {
          continue;
        }
        Optional<String> reason =
            statuses.stream()
                .filter(s -> container.getName().equals(s.getName()))
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
                .map(s -> s.getState().getWaiting().getReason())
                .filter(PULL_FAILURE_REASONS::contains)
                .findFirst();
        if (reason.isPresent()) {
          return Optional.of(reason.get() + " on pod " + pod.getMetadata().getName());
        }
      }
    }
    String quoted = "\"" + image.effective() + "\"";
    for (Event event : Snapshot.inNamespace(diagnosis.snapshot().events(), namespace)) {
      String message = event.getMessage();
      if (message != null
          && message.contains(quoted)
          && ("Failed".equals(event.getReason())
              || "ErrImageNeverPull".equals(event.getReason()))) {
        return Optional.of(
            "event "
                + event.getReason()
                + " on pod "
                + (event.getInvolvedObject() == null ? "?" : event.getInvolvedObject().getName()));
      }
    }
    return Optional.empty();
  }

  /** The first pull-secret entry the kubelet would use for the image, if any. */
  static Optional<KubeletKeyring.Match> matchingPullSecret(
      Diagnosis diagnosis, ImageReference ref) {
    String namespace = diagnosis.install().jobNamespace();
    List<KubeletKeyring.Entry> entries = new ArrayList<>();
    for (String name : ReferencedSecrets.of(diagnosis).names()) {
      Optional<PullSecretView> view =
          diagnosis.snapshot().secret(namespace, name).map(SecretInfo::pullSecret);
      if (view.isEmpty() || !view.get().usable()) {
        continue;
      }
      entries.addAll(view.get().keyringEntries(name));
    }
    return KubeletKeyring.of(entries).lookup(ref.name()).stream().findFirst();
  }

  private static String nodeWords(List<String> nodes) {
    return nodes.size() == 1 ? "node " + nodes.get(0) : "all " + nodes.size() + " nodes";
  }

  private static String rest(List<String> nodes) {
    return String.join(", ", nodes.subList(1, nodes.size()));
  }

  private static Map<String, Object> evidence(NodeImages.KindNode kind, NodeImages.Census census) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("kindCluster", kind.cluster());
    evidence.put("nodesWithImage", census.present());
    evidence.put("nodesWithoutImage", census.absent());
    evidence.put("nodesUnknown", census.unknown());
    return evidence;
  }
}
