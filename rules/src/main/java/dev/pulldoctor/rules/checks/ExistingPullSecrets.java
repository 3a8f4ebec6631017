package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Pull secrets that already exist in the job namespace and would serve an image: what a fix should
 * name before it asks the user to create one.
 */
final class ExistingPullSecrets {
  private ExistingPullSecrets() {}

  /**
   * Secrets of the job namespace the kubelet would use for the image, those Airbyte's own pods list
   * ({@code global.imagePullSecrets}) first, then by name.
   */
  static List<String> serving(Diagnosis diagnosis, ImageReference image) {
    String namespace = diagnosis.install().jobNamespace();
    Set<String> platform = platformPullSecrets(diagnosis);
    return diagnosis.snapshot().secretsIn(namespace).stream()
        .filter(s -> s.pullSecret() != null && s.pullSecret().usable())
        .filter(s -> serves(s, image))
        .map(SecretInfo::name)
        .sorted(Comparator.comparing((String n) -> !platform.contains(n)).thenComparing(n -> n))
        .toList();
  }

  /**
   * The imagePullSecrets of Airbyte's own deployments in its namespace: how {@code
   * global.imagePullSecrets} shows in a cluster.
   */
  static Set<String> platformPullSecrets(Diagnosis diagnosis) {
    Set<String> names = new LinkedHashSet<>();
    for (Deployment d :
        Snapshot.inNamespace(diagnosis.snapshot().deployments(), diagnosis.install().namespace())) {
      PodSpec spec =
          d.getSpec() == null || d.getSpec().getTemplate() == null
              ? null
              : d.getSpec().getTemplate().getSpec();
      if (spec == null || spec.getImagePullSecrets() == null) {
        continue;
      }
      spec.getImagePullSecrets().stream()
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(names::add);
    }
    return names;
  }

  private static boolean serves(SecretInfo secret, ImageReference image) {
    PullSecretView view = Objects.requireNonNull(secret.pullSecret());
    return !KubeletKeyring.of(view.keyringEntries(secret.name())).lookup(image.name()).isEmpty();
  }
}
