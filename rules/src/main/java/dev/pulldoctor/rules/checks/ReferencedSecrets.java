package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The pull-secret names job pods use, and where each name comes from. */
record ReferencedSecrets(String namespace, Map<String, String> origins) {

  /** Names from Airbyte's variable (or the job service account), then any others on job pods. */
  static ReferencedSecrets of(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    Map<String, String> origins = new LinkedHashMap<>();
    String configured =
        install.pullSecretNames().isEmpty()
            ? "imagePullSecrets of service account " + install.jobServiceAccount()
            : JobEnv.PULL_SECRET;
    for (String name : install.jobPodPullSecrets()) {
      if (!name.isEmpty()) {
        origins.putIfAbsent(name, configured);
      }
    }
    for (Pod pod : ImageInventory.jobPods(diagnosis.snapshot(), install.jobNamespace())) {
      List<LocalObjectReference> refs =
          pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets();
      if (refs == null) {
        continue;
      }
      for (LocalObjectReference ref : refs) {
        if (ref.getName() != null && !ref.getName().isEmpty()) {
          origins.putIfAbsent(
              ref.getName(), "imagePullSecrets of pod " + pod.getMetadata().getName());
        }
      }
    }
    return new ReferencedSecrets(install.jobNamespace(), origins);
  }

  /** Secrets are read in the job namespace, once some are named: with none there is no check. */
  static Optional<ReadScope> readScope(Diagnosis diagnosis) {
    ReferencedSecrets referenced = of(diagnosis);
    return referenced.isEmpty()
        ? Optional.empty()
        : Optional.of(ReadScope.namespace(referenced.namespace()));
  }

  List<String> names() {
    return List.copyOf(origins.keySet());
  }

  boolean isEmpty() {
    return origins.isEmpty();
  }

  String origin(String name) {
    return origins.getOrDefault(name, JobEnv.PULL_SECRET);
  }
}
