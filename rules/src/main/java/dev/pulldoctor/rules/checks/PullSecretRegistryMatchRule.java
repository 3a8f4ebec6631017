package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Some pull secret of the job pod matches the image's registry by the kubelet's rules. */
public final class PullSecretRegistryMatchRule implements EachImageRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "pullsecret.registry-match",
          "A pull secret of the job pod matches the image's registry by the kubelet's rules",
          Severity.CRITICAL,
          """
          The kubelet picks credentials by matching the normalised image name against the \
          registry keys of the pod's pull secrets: the scheme is ignored, a /v1/ or /v2/ suffix is \
          dropped, ports must be equal (registry:5000 never matches registry), host names must \
          have the same number of dot-separated labels (*.example.com never matches example.com), \
          '*' globs stay within one label, and a key's path must be a string prefix of the image \
          path. Docker Hub images match keys 'docker.io' or, as a fallback, 'index.docker.io' \
          (kubectl's default https://index.docker.io/v1/); 'registry-1.docker.io' and \
          'hub.docker.com' never match. When no key matches, the kubelet pulls anonymously and \
          says nothing about the credentials it did not use; the registry then answers 401, \
          "pull access denied" or "insufficient_scope".\
          """,
          """
          Add an entry for the image's registry host (with its port, if any) to a pull secret of \
          the job pods, e.g. kubectl create secret docker-registry with --docker-server set to \
          that host.\
          """,
          List.of(
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/credentialprovider/keyring_test.go"
                  + " (TestURLsMatch, TestDockerKeyringLookup, Docker Hub)",
              "https://kubernetes.io/docs/concepts/containers/images/#interpretation-of-config-json",
              "docs/conformance.md (the keyring_test.go cases, run against pulldoctor)",
              "kubernetes/kubernetes pkg/credentialprovider/keyring.go"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public Result evaluate(Diagnosis diagnosis, TargetImage image) {
    Optional<ImageReference> parsed = image.reference();
    if (parsed.isEmpty()) {
      return TargetImagesRule.invalidReference(INFO, image, "no pull happens");
    }
    ImageReference ref = parsed.get();
    AirbyteInstall install = diagnosis.install();
    String namespace = install.jobNamespace();
    List<String> secretNames = diagnosis.jobPodPullSecrets(image);
    if (secretNames.stream().allMatch(String::isEmpty)) {
      return Result.forImage(
          INFO,
          Status.SKIP,
          image.effective(),
          "job pods get no pull secrets, so the kubelet pulls "
              + image.effective()
              + " with node credentials or anonymously (see launcher.pull-secret-env)");
    }
    // Read here, not through readScope: each image that names no secret still gets its skip.
    Optional<CollectionError> unreadable =
        diagnosis.snapshot().collectionError(ResourceKind.SECRETS, namespace);
    if (unreadable.isPresent()) {
      return Result.couldNotRun(
          INFO,
          ObjectRef.of("Namespace", null, namespace),
          image.effective(),
          List.of(unreadable.get()));
    }
    List<KubeletKeyring.Entry> entries = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (String name : secretNames) {
      Optional<SecretInfo> secret = diagnosis.snapshot().secret(namespace, name);
      PullSecretView view = secret.map(SecretInfo::pullSecret).orElse(null);
      if (view == null || view.format() == null) {
        unusable.add(
            "'" + name + "' (" + (secret.isEmpty() ? "missing" : "not read by the kubelet") + ")");
        continue;
      }
      if (view.breaksPulls()) {
        return Result.of(
                INFO,
                Status.FAIL,
                ObjectRef.of("Secret", namespace, name),
                image.effective(),
                "Secret "
                    + name
                    + " cannot be parsed by the kubelet, so it refuses to pull "
                    + image.effective()
                    + " (and every other image of the pod) whatever the other secrets hold (see"
                    + " pullsecret.format)")
            .withEvidence("secrets", secretNames);
      }
      entries.addAll(view.keyringEntries(name));
    }
    if (entries.isEmpty() && unusable.stream().allMatch(u -> u.endsWith("(missing)"))) {
      return Result.forImage(
          INFO,
          Status.SKIP,
          image.effective(),
          "none of the job pods' pull secrets exists in namespace "
              + namespace
              + ", so there is no registry key to match (see pullsecret.exists)");
    }
    KubeletKeyring keyring = KubeletKeyring.of(entries);
    List<KubeletKeyring.Match> matches = keyring.lookup(ref.name());
    if (!matches.isEmpty()) {
      KubeletKeyring.Match first = matches.get(0);
      String how =
          first.dockerHubFallback()
              ? " through the kubelet's Docker Hub fallback for key '" + first.registryKey() + "'"
              : " (key '" + first.registryKey() + "')";
      String others =
          matches.size() > 1
              ? "; if the registry rejects it the kubelet tries "
                  + (matches.size() - 1)
                  + " more matching "
                  + (matches.size() == 2 ? "entry" : "entries")
              : "";
      return Result.of(
              INFO,
              Status.PASS,
              ObjectRef.of("Secret", namespace, first.secretName()),
              image.effective(),
              "the kubelet sends the credentials of Secret "
                  + first.secretName()
                  + how
                  + " when pulling "
                  + ref.name()
                  + others)
          .withEvidence(
              "matches",
              matches.stream().map(m -> m.secretName() + ": " + m.registryKey()).toList());
    }
    List<KubeletKeyring.NearMiss> nearMisses = keyring.nearMisses(ref.name());
    boolean cloud = RegistryHosts.isCloudRegistry(RegistryHosts.kind(ref.domain()));
    StringBuilder message =
        new StringBuilder("no registry key in the job pods' pull secrets (")
            .append(String.join(", ", secretNames.stream().map(n -> "'" + n + "'").toList()))
            .append(") matches ")
            .append(ref.name())
            .append(", so the kubelet pulls it ")
            .append(cloud ? "with the node's own credentials, if any" : "anonymously")
            .append(" and says nothing about the unused secrets.");
    for (KubeletKeyring.NearMiss miss : nearMisses) {
      message
          .append(" Secret ")
          .append(miss.secretName())
          .append(": ")
          .append(miss.explanation())
          .append('.');
    }
    if (!unusable.isEmpty()) {
      message.append(" Not usable: ").append(String.join(", ", unusable)).append('.');
    }
    if (cloud) {
      message.append(
          " This registry is usually reached with the node's cloud identity (EKS node role,"
              + " GKE node service account, AKS kubelet identity); without that access the pull"
              + " fails.");
    }
    List<String> named = secretNames.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    List<String> serving = ExistingPullSecrets.serving(diagnosis, ref);
    Fix fix =
        serving.isEmpty()
            ? Fix.of(
                "Give the job pods a secret with credentials for "
                    + Fixes.dockerServer(ref)
                    + ", next to the ones they have:",
                Fixes.createAndName(diagnosis, ref, named))
            : Fix.of(
                "Secret '"
                    + serving.get(0)
                    + "' holds credentials the kubelet would use for this image: name it for job"
                    + " pods too:",
                Fixes.setPullSecretEnv(diagnosis.install(), with(named, serving.get(0))));
    return Result.forImage(
            INFO, cloud ? Status.WARN : Status.FAIL, image.effective(), message.toString())
        .withFix(fix)
        .withEvidence("secrets", secretNames)
        .withEvidence(
            "nearMisses", nearMisses.stream().map(m -> m.reason().name()).distinct().toList());
  }

  private static List<String> with(List<String> names, String added) {
    List<String> all = new ArrayList<>(names);
    if (!all.contains(added)) {
      all.add(added);
    }
    return all;
  }
}
