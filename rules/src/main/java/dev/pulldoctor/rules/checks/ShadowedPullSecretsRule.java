package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.WriteTimes;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Pull secrets attached to the job service account reach job pods only when Airbyte gives the pods
 * none of its own, and only pods created after they were attached.
 */
public final class ShadowedPullSecretsRule implements JobServiceAccountRule {
  static final RuleInfo INFO =
      JobServiceAccountRule.readingServiceAccounts(
          new RuleInfo(
              "serviceaccount.pull-secrets-shadowed",
              "Pull secrets on the job service account reach job pods",
              Severity.CRITICAL,
              """
              The ServiceAccount admission plugin copies a service account's imagePullSecrets into a \
              pod only when the pod is created and only if the pod has none of its own ("If the pod \
              does not contain any ImagePullSecrets, the ImagePullSecrets of the service account are \
              added."). The launcher puts the secrets named in \
              JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET on every job pod, so as soon as that list is \
              non-empty, secrets attached to the job service account (as Airbyte's multiple-registry \
              guide suggests) are ignored; when one of them is the only secret for the connector's \
              registry, the pull fails. And a pod never picks up secrets attached to its service \
              account after it was created.\
              """,
              """
              Name every secret job pods need in JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET (or, with \
              that list empty, on the job service account), and retry jobs whose pods predate the \
              change.\
              """,
              List.of(
                  "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/factories/ConnectorPodFactory.kt#L95"
                      + " (imagePullSecrets on every job pod)",
                  "kubernetes/kubernetes plugin/pkg/admission/serviceaccount (package doc)")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, ObjectRef subject, ServiceAccount account) {
    AirbyteInstall install = diagnosis.install();
    String name = subject.name();
    List<String> attached = names(account.getImagePullSecrets());
    if (attached.isEmpty()) {
      return List.of(
          Result.about(
              INFO,
              Status.SKIP,
              subject,
              "ServiceAccount " + name + " lists no imagePullSecrets, so none can be shadowed"));
    }
    List<String> ownList = install.pullSecretNames();
    if (!ownList.isEmpty()) {
      return List.of(withOwnList(diagnosis, subject, attached, ownList));
    }
    return inherited(diagnosis, subject, account, attached);
  }

  private static Result withOwnList(
      Diagnosis diagnosis, ObjectRef subject, List<String> attached, List<String> ownList) {
    AirbyteInstall install = diagnosis.install();
    List<String> shadowed = attached.stream().filter(n -> !ownList.contains(n)).toList();
    String listed = JobEnv.PULL_SECRET + "='" + String.join(",", ownList) + "'";
    if (shadowed.isEmpty()) {
      return Result.about(
              INFO,
              Status.PASS,
              subject,
              "ServiceAccount "
                  + subject.name()
                  + " lists imagePullSecrets "
                  + String.join(", ", attached)
                  + "; job pods bring their own list ("
                  + listed
                  + "), so the service account's is ignored, but it names nothing the pods' list"
                  + " lacks")
          .withEvidence("serviceAccountPullSecrets", attached)
          .withEvidence("podPullSecrets", ownList);
    }
    StringBuilder message =
        new StringBuilder("ServiceAccount ")
            .append(subject.name())
            .append(" lists imagePullSecrets ")
            .append(String.join(", ", attached))
            .append(", but the launcher gives every job pod its own list (")
            .append(listed)
            .append("), and the ServiceAccount admission plugin adds a service account's pull")
            .append(" secrets only to pods that have none. So job pods never get ");
    List<String> described = new ArrayList<>();
    for (String secret : shadowed) {
      described.add("'" + secret + "'" + coverage(diagnosis, secret));
    }
    message.append(String.join(", ", described)).append('.');
    boolean uncovered = false;
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> ref = image.reference();
      if (ref.isEmpty() || matches(diagnosis, ownList, ref.get())) {
        continue;
      }
      List<String> wouldMatch =
          shadowed.stream().filter(s -> matches(diagnosis, List.of(s), ref.get())).toList();
      if (!wouldMatch.isEmpty()) {
        uncovered = true;
        message
            .append(" No secret job pods get has credentials for ")
            .append(ref.get().domain())
            .append(", while '")
            .append(wouldMatch.get(0))
            .append("' does: job pods pull ")
            .append(image.effective())
            .append(" without them.");
      }
    }
    LinkedHashSet<String> merged = new LinkedHashSet<>();
    ownList.stream().map(String::strip).filter(n -> !n.isEmpty()).forEach(merged::add);
    merged.addAll(shadowed);
    // Only a shadowed secret could authenticate the pull: the pull itself will fail.
    return Result.about(INFO, uncovered ? Status.FAIL : Status.WARN, subject, message.toString())
        .withFix(
            Fix.of(
                "Name them in the launcher's list too:",
                Fixes.setPullSecretEnv(install, List.copyOf(merged))))
        .withEvidence("serviceAccountPullSecrets", attached)
        .withEvidence("podPullSecrets", ownList)
        .withEvidence("shadowed", shadowed);
  }

  private static List<Result> inherited(
      Diagnosis diagnosis, ObjectRef subject, ServiceAccount account, List<String> attached) {
    AirbyteInstall install = diagnosis.install();
    Instant changed = lastChange(account);
    String changeSource =
        WriteTimes.lastWritten(account.getMetadata()) != null
            ? "managedFields"
            : "creationTimestamp";
    List<String> stale = new ArrayList<>();
    LinkedHashSet<String> lacking = new LinkedHashSet<>();
    for (Pod pod : ImageInventory.jobPods(diagnosis.snapshot(), install.jobNamespace())) {
      List<String> has = names(pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets());
      Instant created = WriteTimes.created(pod.getMetadata());
      if (!has.containsAll(attached)
          && changed != null
          && created != null
          && created.isBefore(changed)) {
        stale.add(pod.getMetadata().getName() + " (created " + created + ")");
        attached.stream().filter(n -> !has.contains(n)).forEach(lacking::add);
      }
    }
    List<Result> results = new ArrayList<>();
    results.add(
        Result.about(
                INFO,
                Status.PASS,
                subject,
                JobEnv.PULL_SECRET
                    + " names no secrets, so the ServiceAccount admission plugin copies the"
                    + " imagePullSecrets of ServiceAccount "
                    + subject.name()
                    + " ("
                    + String.join(", ", attached)
                    + ") into each new job pod")
            .withEvidence("serviceAccountPullSecrets", attached));
    if (!stale.isEmpty()) {
      String first = stale.get(0);
      String firstName = first.substring(0, first.indexOf(' '));
      results.add(
          Result.about(
                  INFO,
                  Status.WARN,
                  subject,
                  "Job pod"
                      + (stale.size() == 1 ? " " : "s ")
                      + String.join(", ", stale.stream().limit(3).toList())
                      + (stale.size() > 3 ? " and " + (stale.size() - 3) + " more" : "")
                      + (stale.size() == 1 ? " predates" : " predate")
                      + " the last change of ServiceAccount "
                      + subject.name()
                      + " ("
                      + changed
                      + ", from its "
                      + changeSource
                      + ") and "
                      + (stale.size() == 1 ? "lacks " : "lack ")
                      + String.join(", ", lacking)
                      + ": a pod keeps the imagePullSecrets it"
                      + " was admitted with, so service-account changes never reach it. Airbyte"
                      + " creates a new pod for every attempt, so retry the check or sync.")
              .withFix(
                  Fix.of(
                      "Retry the check or sync in Airbyte:",
                      new Step.Manual(
                          "each attempt gets a new pod, admitted with the service account's"
                              + " current pull secrets; Airbyte's pod sweeper removes pod "
                              + firstName
                              + " on its own",
                          null)))
              .withEvidence("stalePods", stale)
              .withEvidence("serviceAccountChangedAt", String.valueOf(changed)));
    }
    return results;
  }

  /** The newest of the service account's creation and last write. */
  private static @Nullable Instant lastChange(ServiceAccount account) {
    Instant created = WriteTimes.created(account.getMetadata());
    Instant written = WriteTimes.lastWritten(account.getMetadata());
    if (written == null) {
      return created;
    }
    return created == null || written.isAfter(created) ? written : created;
  }

  /** Which registries a secret holds credentials for, in words, for naming it. */
  private static String coverage(Diagnosis diagnosis, String secret) {
    Optional<SecretInfo> info =
        diagnosis.snapshot().secret(diagnosis.install().jobNamespace(), secret);
    if (info.isEmpty()) {
      return " (not found in namespace " + diagnosis.install().jobNamespace() + ")";
    }
    PullSecretView view = info.get().pullSecret();
    if (view == null) {
      return "";
    }
    List<String> hosts =
        view.credentials().stream()
            .map(c -> Objects.requireNonNullElse(c.keyringKey(), c.registryKey()))
            .distinct()
            .toList();
    return hosts.isEmpty() ? "" : " (credentials for " + String.join(", ", hosts) + ")";
  }

  private static boolean matches(Diagnosis diagnosis, List<String> secrets, ImageReference image) {
    List<KubeletKeyring.Entry> entries = new ArrayList<>();
    for (String secret : secrets) {
      diagnosis
          .snapshot()
          .secret(diagnosis.install().jobNamespace(), secret)
          .map(SecretInfo::pullSecret)
          .filter(PullSecretView::usable)
          .ifPresent(view -> entries.addAll(view.keyringEntries(secret)));
    }
    return !KubeletKeyring.of(entries).lookup(image.name()).isEmpty();
  }

  private static List<String> names(@Nullable List<LocalObjectReference> refs) {
    if (refs == null) {
      return List.of();
    }
    return refs.stream()
        .map(LocalObjectReference::getName)
        .filter(n -> n != null && !n.isEmpty())
        .distinct()
        .toList();
  }
}
