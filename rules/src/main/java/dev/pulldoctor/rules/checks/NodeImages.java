package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.image.ImageReference;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Node objects tell about images and kind: {@code spec.providerID} {@code
 * kind://<provider>/<cluster>/<node>} marks a kind node, and {@code status.images} lists the images
 * the runtime holds, largest first, cut at the kubelet's {@code nodeStatusMaxImages} (default 50).
 * A full list proves nothing about a missing small image (k8s-pull-facts.md §6).
 */
final class NodeImages {
  /** The kubelet's default {@code nodeStatusMaxImages}. */
  static final int NODE_STATUS_MAX_IMAGES = 50;

  private static final String KIND_SCHEME = "kind://";

  /** What one node's image list says about one image. */
  enum Presence {
    PRESENT,
    ABSENT,
    /** The list is missing or full, so a missing name proves nothing. */
    UNKNOWN
  }

  /**
   * Node names by presence of one image.
   *
   * @param present nodes listing the image
   * @param absent nodes whose complete list lacks it
   * @param unknown nodes whose list is missing or capped
   */
  record Census(List<String> present, List<String> absent, List<String> unknown) {
    Census {
      present = List.copyOf(present);
      absent = List.copyOf(absent);
      unknown = List.copyOf(unknown);
    }

    boolean onAll() {
      return absent.isEmpty() && unknown.isEmpty() && !present.isEmpty();
    }
  }

  /** A kind node's identity, from {@code kind://<provider>/<cluster>/<node>}. */
  record KindNode(String provider, String cluster) {}

  private NodeImages() {}

  static Optional<KindNode> kindNode(Node node) {
    String providerId = node.getSpec() == null ? null : node.getSpec().getProviderID();
    if (providerId == null || !providerId.startsWith(KIND_SCHEME)) {
      return Optional.empty();
    }
    String rest = providerId.substring(KIND_SCHEME.length());
    int first = rest.indexOf('/');
    int second = first < 0 ? -1 : rest.indexOf('/', first + 1);
    if (first <= 0 || second <= first + 1) {
      // Malformed, but still kind's scheme: assume kind's default cluster name.
      return Optional.of(new KindNode("docker", "kind"));
    }
    return Optional.of(new KindNode(rest.substring(0, first), rest.substring(first + 1, second)));
  }

  /** The kind identity of the cluster, when any node is a kind node. */
  static Optional<KindNode> kindCluster(List<Node> nodes) {
    return nodes.stream().map(NodeImages::kindNode).flatMap(Optional::stream).findFirst();
  }

  static List<Node> kindNodes(List<Node> nodes) {
    return nodes.stream().filter(n -> kindNode(n).isPresent()).toList();
  }

  /**
   * Nodes a job pod can land on: not cordoned and without a NoSchedule or NoExecute taint (Airbyte
   * adds tolerations only when JOB_KUBE_TOLERATIONS says so). All nodes when none qualify.
   */
  static List<Node> schedulable(List<Node> nodes) {
    List<Node> open =
        nodes.stream()
            .filter(
                n -> n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
            .filter(n -> n.getSpec() == null || noBlockingTaint(n.getSpec().getTaints()))
            .toList();
    return open.isEmpty() ? nodes : open;
  }

  private static boolean noBlockingTaint(@Nullable List<Taint> taints) {
    return taints == null
        || taints.stream()
            .noneMatch(
                t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()));
  }

  static Presence presence(Node node, ImageReference image) {
    List<ContainerImage> images = node.getStatus() == null ? null : node.getStatus().getImages();
    if (images == null || images.isEmpty()) {
      return Presence.UNKNOWN;
    }
    boolean listed =
        images.stream()
            .map(ContainerImage::getNames)
            .filter(Objects::nonNull)
            .flatMap(List::stream)
            .filter(Objects::nonNull)
            .map(ImageReference::tryParse)
            .flatMap(Optional::stream)
            .anyMatch(listedName -> sameImage(listedName, image));
    if (listed) {
      return Presence.PRESENT;
    }
    return images.size() >= NODE_STATUS_MAX_IMAGES ? Presence.UNKNOWN : Presence.ABSENT;
  }

  /**
   * True when the node lists the image without any registry digest: it was loaded (kind load, ctr
   * import), not pulled, since a pull records the repository digest beside the tag.
   */
  static boolean loadedNotPulled(Node node, ImageReference image) {
    List<ContainerImage> images = node.getStatus() == null ? null : node.getStatus().getImages();
    if (images == null) {
      return false;
    }
    for (ContainerImage entry : images) {
      List<ImageReference> names =
          entry.getNames() == null
              ? List.of()
              : entry.getNames().stream()
                  .filter(Objects::nonNull)
                  .map(ImageReference::tryParse)
                  .flatMap(Optional::stream)
                  .toList();
      if (names.stream().anyMatch(n -> sameImage(n, image))) {
        return names.stream().allMatch(n -> n.digest() == null);
      }
    }
    return false;
  }

  /**
   * The first of {@code nodes} that has the image loaded, not pulled ({@link #loadedNotPulled}).
   */
  static Optional<String> firstLoadedNotPulled(List<Node> nodes, ImageReference image) {
    return nodes.stream()
        .filter(n -> loadedNotPulled(n, image))
        .map(n -> n.getMetadata().getName())
        .findFirst();
  }

  static Census census(List<Node> nodes, ImageReference image) {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      switch (presence(node, image)) {
        case PRESENT -> present.add(name);
        case ABSENT -> absent.add(name);
        case UNKNOWN -> unknown.add(name);
      }
    }
    return new Census(present, absent, unknown);
  }

  static int listedImages(List<Node> nodes, String nodeName) {
    return nodes.stream()
        .filter(n -> nodeName.equals(n.getMetadata().getName()))
        .map(n -> n.getStatus() == null ? null : n.getStatus().getImages())
        .filter(Objects::nonNull)
        .mapToInt(List::size)
        .findFirst()
        .orElse(0);
  }

  /** {@code linux/<arch>} of the first node that reports one, for {@code --platform}. */
  static String platform(List<Node> nodes) {
    return nodes.stream()
        .map(n -> n.getStatus() == null ? null : n.getStatus().getNodeInfo())
        .filter(Objects::nonNull)
        .map(NodeSystemInfo::getArchitecture)
        .filter(Objects::nonNull)
        .findFirst()
        .map(arch -> "linux/" + arch)
        .orElse("linux/amd64");
  }

  /**
   * The kubelet asks the runtime for the image by the pod's reference: a digest reference by
   * repository and digest (a tag beside it is ignored), else by repository and tag ({@code latest}
   * when none).
   */
  static boolean sameImage(ImageReference listed, ImageReference wanted) {
    if (!listed.name().equals(wanted.name())) {
      return false;
    }
    String digest = wanted.digest();
    if (digest != null) {
      return digest.equals(listed.digest());
    }
    String tag = wanted.tag() == null ? "latest" : wanted.tag();
    return listed.digest() == null && tag.equals(listed.tag());
  }
}
