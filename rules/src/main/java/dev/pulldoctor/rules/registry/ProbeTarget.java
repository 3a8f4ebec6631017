package dev.pulldoctor.rules.registry;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import java.util.List;
import java.util.Objects;

/**
 * One image for the registry probe, with what the kubelet would do for it.
 *
 * @param image the image under diagnosis
 * @param reference its parsed effective reference
 * @param namespace the job namespace, where the pull secrets live
 * @param podSecrets the pull-secret names a job pod for the image has
 * @param credentials the entries of those secrets that match the image, in the order the kubelet
 *     tries them; empty when it pulls anonymously
 */
public record ProbeTarget(
    TargetImage image,
    ImageReference reference,
    String namespace,
    List<String> podSecrets,
    List<KubeletKeyring.Match> credentials) {

  public ProbeTarget {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(namespace, "namespace");
    podSecrets = List.copyOf(podSecrets);
    credentials = List.copyOf(credentials);
  }

  /** The host (and port) that serves the Registry API for the image. */
  public String registry() {
    return reference.apiHost();
  }

  /** The tag or digest the kubelet asks for: the digest when present, else the tag or latest. */
  public String manifestReference() {
    if (reference.digest() != null) {
      return reference.digest();
    }
    return reference.tag() != null ? reference.tag() : "latest";
  }
}
