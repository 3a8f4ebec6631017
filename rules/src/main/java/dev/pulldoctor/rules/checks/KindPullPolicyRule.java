package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.EnvValue;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.PullPolicy;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The connector pull policy neither defeats a kind-loaded image nor demands a missing one. */
public final class KindPullPolicyRule implements LauncherRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "kind.pull-policy",
          "The connector pull policy fits images loaded into the nodes",
          Severity.CRITICAL,
          """
          Airbyte gives connector containers the pull policy in \
          JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_POLICY, IfNotPresent when unset; the Airbyte charts do \
          not render it, so it only appears through extraEnv or a ConfigMap. IfNotPresent is why \
          'kind load docker-image' works even for a :latest tag. With Always the kubelet contacts \
          the registry on every start and ignores the loaded copy, so an image that exists only \
          on the nodes fails with ErrImagePull ('pull access denied', 'not found'). With Never the \
          kubelet never pulls: an image missing from the node gives ErrImageNeverPull ('Container \
          image ... is not present with pull policy of Never'). Only Always, IfNotPresent and \
          Never are valid; the API server rejects a job pod with any other value, even in another \
          letter case.\
          """,
          """
          Use IfNotPresent on the launcher (remove the variable or set it explicitly) and remove \
          it from the launcher's extraEnv in your Helm values.\
          """,
          List.of(
              "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/kubelet/images/image_manager.go"
                  + " (ErrImageNeverPull)",
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/resources/application.yml#L194"
                  + " (pull policy, default IfNotPresent)",
              "docs/airbyte-versions.md (no chart renders"
                  + " JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_POLICY)",
              "kubernetes-sigs/kind site/content/docs/user/quick-start.md"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public String withoutLauncher(AirbyteInstall install) {
    return "no job launcher deployment was found, so the connector pull policy is unknown (see"
        + " launcher.pull-secret-env)";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, Workload workload) {
    AirbyteInstall install = diagnosis.install();
    EnvValue value = workload.env(JobEnv.PULL_POLICY);
    PolicySetting setting = new PolicySetting(install, workload, value);
    List<Node> nodes = diagnosis.snapshot().nodes();
    Optional<NodeImages.KindNode> kind = NodeImages.kindCluster(nodes);
    String where = kind.map(k -> "kind cluster " + k.cluster()).orElse("this cluster");
    if (value.problem() != null) {
      return List.of(
          setting
              .result(Status.FAIL, null, JobEnv.PULL_POLICY + ": " + value.problem())
              .withFix(setting.fix()));
    }
    String raw = value.value();
    if (raw == null) {
      return List.of(
          setting.result(
              Status.PASS,
              null,
              JobEnv.PULL_POLICY
                  + " is not set on deployment/"
                  + workload.name()
                  + ", so connector containers get Airbyte's default IfNotPresent: an image"
                  + " already on a node (for example one loaded with kind load) is used as is"));
    }
    if (raw.isEmpty()) {
      return emptyValue(diagnosis, setting, kind);
    }
    Optional<PullPolicy> policy =
        Arrays.stream(PullPolicy.values()).filter(p -> p.kubernetesName().equals(raw)).findFirst();
    if (policy.isEmpty()) {
      return List.of(
          setting.fixableValueResult(
              Status.FAIL,
              null,
              JobEnv.PULL_POLICY
                  + "='"
                  + raw
                  + "' ("
                  + setting.where()
                  + ") is not a pull policy: the API server rejects every job pod with"
                  + " 'Unsupported value: \""
                  + raw
                  + "\": supported values: \"Always\", \"IfNotPresent\", \"Never\"', so no"
                  + " connector starts."));
    }
    return switch (policy.get()) {
      case IF_NOT_PRESENT ->
          List.of(
              setting.valueResult(
                  Status.PASS,
                  null,
                  setting.assignment()
                      + ": an image already on a node of "
                      + where
                      + " is used as is"));
      case ALWAYS -> always(diagnosis, setting, kind);
      case NEVER -> never(diagnosis, setting, kind);
    };
  }

  private static List<Result> always(
      Diagnosis diagnosis, PolicySetting setting, Optional<NodeImages.KindNode> kind) {
    String base =
        setting.assignment() + ": the kubelet contacts the registry on every connector start";
    if (kind.isEmpty()) {
      return List.of(
          setting.valueResult(
              Status.PASS,
              null,
              base
                  + ". That works while the registry is reachable and the pull secrets are"
                  + " accepted, at the cost of a registry round trip per job; an image"
                  + " copied onto the nodes by hand would be ignored."));
    }
    String cluster = kind.get().cluster();
    List<Node> nodes = NodeImages.schedulable(NodeImages.kindNodes(diagnosis.snapshot().nodes()));
    List<Result> results = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> ref = image.reference();
      if (ref.isEmpty()) {
        continue;
      }
      Optional<String> loadedOn = NodeImages.firstLoadedNotPulled(nodes, ref.get());
      String local = localOnly(ref.get());
      // A copy with a registry digest was pulled, so the registry has it and Always works.
      if (loadedOn.isPresent() || !local.isEmpty()) {
        String why =
            loadedOn.isPresent()
                ? "node "
                    + loadedOn.get()
                    + " of kind cluster "
                    + cluster
                    + " has it without a registry digest"
                : local;
        results.add(
            setting.fixableValueResult(
                Status.FAIL,
                image.effective(),
                base
                    + " and ignores the copy on the node. "
                    + image.effective()
                    + " looks kind-loaded ("
                    + why
                    + "), so the pull from "
                    + ref.get().apiHost()
                    + " fails with ErrImagePull."));
      }
    }
    String general =
        base
            + ", so on kind cluster "
            + cluster
            + " an image loaded with kind load is never used: every connector must be pullable"
            + " from its registry.";
    return perImageOrWarning(results, setting, general).stream()
        .map(r -> r.withEvidence("kindCluster", cluster))
        .toList();
  }

  private static List<Result> never(
      Diagnosis diagnosis, PolicySetting setting, Optional<NodeImages.KindNode> kind) {
    String base =
        setting.assignment()
            + ": the kubelet never pulls, so every connector image must already be on every node";
    List<Node> all = diagnosis.snapshot().nodes();
    List<Node> nodes = NodeImages.schedulable(kind.isPresent() ? NodeImages.kindNodes(all) : all);
    List<Result> results = new ArrayList<>();
    for (TargetImage image : diagnosis.images()) {
      Optional<ImageReference> ref = image.reference();
      if (ref.isEmpty() || nodes.isEmpty()) {
        continue;
      }
      NodeImages.Census census = NodeImages.census(nodes, ref.get());
      if (!census.absent().isEmpty()) {
        Fix letPull = Fix.of("Let the kubelet pull it:", setting.setIfNotPresent());
        Fix fix =
            kind.map(
                    k ->
                        KindImageLoadedRule.load(
                                diagnosis.install(), image, ref.get(), k.cluster(), nodes)
                            .or(Fix.of("let the kubelet pull it:", setting.setIfNotPresent())))
                .orElse(letPull);
        results.add(
            setting
                .valueResult(
                    Status.FAIL,
                    image.effective(),
                    base
                        + ". Node "
                        + census.absent().get(0)
                        + " does not have "
                        + image.effective()
                        + ", so job pods there fail with ErrImageNeverPull ('Container image \""
                        + image.effective()
                        + "\" is not present with pull policy of Never').")
                .withFix(fix)
                .withEvidence("nodesWithoutImage", census.absent()));
      } else if (census.onAll()) {
        results.add(
            setting.valueResult(
                Status.PASS,
                image.effective(),
                base + "; " + image.effective() + " is on all of them."));
      } else {
        results.add(
            setting.fixableValueResult(
                Status.WARN,
                image.effective(),
                base
                    + "; whether node "
                    + census.unknown().get(0)
                    + " has "
                    + image.effective()
                    + " is unknown (its status.images is missing or capped at "
                    + NodeImages.NODE_STATUS_MAX_IMAGES
                    + " by nodeStatusMaxImages). Where it is missing, job pods fail with"
                    + " ErrImageNeverPull."));
      }
    }
    String general =
        base
            + "; a node without the image fails the job pod with ErrImageNeverPull (no image or"
            + " node image list to check here).";
    return perImageOrWarning(results, setting, general);
  }

  /**
   * The findings about single images, or when no image gave one, a warning about the policy as a
   * whole ({@code message}), fixed by setting IfNotPresent.
   */
  private static List<Result> perImageOrWarning(
      List<Result> perImage, PolicySetting setting, String message) {
    if (!perImage.isEmpty()) {
      return perImage;
    }
    return List.of(setting.fixableValueResult(Status.WARN, null, message));
  }

  /**
   * An empty value either falls back to Airbyte's default or reaches the pod as no policy, which
   * the API server replaces with the tag default: Always for :latest or no tag.
   */
  private static List<Result> emptyValue(
      Diagnosis diagnosis, PolicySetting setting, Optional<NodeImages.KindNode> kind) {
    List<String> alwaysByTag =
        diagnosis.images().stream()
            .filter(
                i ->
                    i.reference()
                        .map(r -> r.defaultPullPolicy() == PullPolicy.ALWAYS)
                        .orElse(false))
            .map(TargetImage::effective)
            .toList();
    String base =
        JobEnv.PULL_POLICY
            + " is set but empty ("
            + setting.where()
            + "): Airbyte then falls back to IfNotPresent or passes no policy, and the API server"
            + " picks one by tag (Always for :latest or no tag)";
    if (kind.isPresent() && !alwaysByTag.isEmpty()) {
      return List.of(
          setting
              .result(
                  Status.WARN,
                  alwaysByTag.get(0),
                  base
                      + ". "
                      + String.join(", ", alwaysByTag)
                      + " would then be pulled on every start and a copy loaded into kind"
                      + " cluster "
                      + kind.get().cluster()
                      + " ignored.")
              .withFix(setting.fix()));
    }
    return List.of(setting.result(Status.PASS, null, base + "; either way this works here."));
  }

  /** An image that can only exist on the nodes: a loopback registry or a bare local name. */
  private static String localOnly(ImageReference ref) {
    if (RegistryHosts.kind(ref.domain()) == RegistryKind.LOCAL) {
      return "its registry " + ref.domain() + " is the node's loopback";
    }
    if (ref.isDockerHub() && ref.path().startsWith("library/")) {
      return "a bare name like this is a local build, not Docker Hub's " + ref.name();
    }
    return "";
  }

  /**
   * The pull-policy variable as the launcher has it ({@code value}), with what every finding about
   * it needs: where it is set, the result about the launcher, and the fix that sets IfNotPresent.
   */
  private record PolicySetting(AirbyteInstall install, Workload workload, EnvValue value) {
    String where() {
      return (value.origin().equals("value") ? "set" : value.origin())
          + " on deployment/"
          + workload.name();
    }

    /** How findings about a valid policy name it: {@code VARIABLE=Always (set on deployment/x)}. */
    String assignment() {
      return JobEnv.PULL_POLICY + "=" + value.value() + " (" + where() + ")";
    }

    /**
     * IfNotPresent on the launcher now, and where the lasting change goes (no chart key sets it).
     */
    List<Step> setIfNotPresent() {
      String origin =
          value.origin().startsWith("ConfigMap ") || value.origin().startsWith("envFrom ConfigMap ")
              ? "It comes from " + value.origin() + "; remove it there too. "
              : "";
      String extraEnv =
          install
              .chartKeys()
              .map(ChartKeys::launcherExtraEnv)
              .orElse(
                  "the launcher's extraEnv (charts 2.x: workloadLauncher.extraEnv, charts 0.390 to"
                      + " 1.x: workload-launcher.extraEnv, older charts: worker.extraEnv)");
      boolean abctl = Fixes.isAbctl(install);
      String lasting =
          abctl
              ? "remove it from " + extraEnv + " in your abctl values file, then run:"
              : "remove it from " + extraEnv + " in your Helm values before the next helm upgrade.";
      return List.of(
          new Step.SetEnv(workload.ref(), JobEnv.PULL_POLICY, "IfNotPresent"),
          new Step.Manual(
              origin
                  + "The Airbyte charts do not render this variable; to make the fix last, "
                  + lasting,
              abctl ? "abctl local install --values values.yaml" : null));
    }

    Fix fix() {
      return Fix.of("Set the connector pull policy to IfNotPresent:", setIfNotPresent());
    }

    Result result(Status status, @Nullable String image, String message) {
      return Result.of(INFO, status, workload.ref(), image, message);
    }

    /**
     * A result about a value that names a policy (valid or not), which every such finding repeats
     * as evidence; only called once the variable is known to be set.
     */
    Result valueResult(Status status, @Nullable String image, String message) {
      return result(status, image, message)
          .withEvidence("value", Objects.requireNonNull(value.value(), "value"));
    }

    /** A {@link #valueResult} that setting IfNotPresent fixes. */
    Result fixableValueResult(Status status, @Nullable String image, String message) {
      return valueResult(status, image, message).withFix(fix());
    }
  }
}
