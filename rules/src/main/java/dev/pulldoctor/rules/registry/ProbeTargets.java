package dev.pulldoctor.rules.registry;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the registry probe should try for each image: the pull-secret entries the kubelet would
 * send, found with {@link KubeletKeyring} over the job pod's secrets.
 */
public final class ProbeTargets {
  private ProbeTargets() {}

  /** One target per image with a valid reference to a registry, in the diagnosis's order. */
  public static List<ProbeTarget> of(Diagnosis diagnosis) {
    List<ProbeTarget> targets = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> reference = image.reference();
      // No registry host (image.reference explains why): there is nothing to probe.
      if (reference.isEmpty() || reference.get().domain().isEmpty()) {
        continue;
      }
      String namespace = diagnosis.install().jobNamespace();
      List<String> secrets = podSecrets(diagnosis, image);
      List<KubeletKeyring.Entry> entries = new ArrayList<>();
      for (String name : secrets) {
        PullSecretView view =
            diagnosis.snapshot().secret(namespace, name).map(SecretInfo::pullSecret).orElse(null);
        if (view == null || view.format() == null || view.breaksPulls()) {
          continue;
        }
        entries.addAll(view.keyringEntries(name));
      }
      List<KubeletKeyring.Match> matches =
          KubeletKeyring.of(entries).lookup(reference.get().name());
      targets.add(new ProbeTarget(image, reference.get(), namespace, secrets, matches));
    }
    return targets;
  }

  /** The secrets a job pod for this image has, without empty names (kubelet skips those). */
  static List<String> podSecrets(Diagnosis diagnosis, TargetImage image) {
    return diagnosis.jobPodPullSecrets(image).stream().filter(n -> !n.isEmpty()).toList();
  }
}
