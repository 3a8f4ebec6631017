package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.ActivePull;
import java.util.List;

/** {@code --active-pull}: a test pod made like a job pod pulls the image on a node. */
public final class RegistryActivePullRule implements EachImageRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "registry.active-pull",
          "A test pod made like a connector job pod pulls the image on a node",
          Severity.CRITICAL,
          """
          The other checks reason about what the kubelet will do; this one asks it. With \
          --active-pull, pulldoctor creates one short-lived pod in the job namespace the way \
          Airbyte's launcher would (the image after the registry rewrite, the configured pull \
          secrets, the job service account, the job node selectors and tolerations, \
          imagePullPolicy Always, a command that exits at once), watches its status and events \
          until the image is pulled, the pull fails, or a timeout passes, and always deletes the \
          pod again. The pod is labelled app.kubernetes.io/managed-by=pulldoctor so leftovers can \
          be found. The result is the node's own answer, with the node's DNS, network, proxy, \
          CAs and cloud identity.\
          """,
          """
          Fix what the failure's cause points to (the rule named in the result); for a pod that \
          is never scheduled, check the job node selectors, tolerations and capacity.\
          """,
          List.of(
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/factories/ConnectorPodFactory.kt"
                  + " (how job pods are made)",
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/KubeNodeSelector.kt#L31-L32"
                  + " (custom connectors' node selectors)",
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/kubelet/images/types.go"
                  + " (pull error reasons)",
              "docs/classify.md (how a failed pull is classified)"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, List<TargetImage> images) {
    return RegistryProbes.dated(diagnosis, EachImageRule.super.evaluate(diagnosis, images));
  }

  @Override
  public Result evaluate(Diagnosis diagnosis, TargetImage image) {
    ActivePull pull =
        RegistryProbes.of(diagnosis, image).map(RegistryObservation::activePull).orElse(null);
    return pull == null
        ? Result.forImage(
            INFO,
            Status.SKIP,
            image.effective(),
            "no active pull test was made (run live with --active-pull: it creates and"
                + " deletes one test pod in the job namespace)")
        : check(diagnosis, image, pull);
  }

  private static Result check(Diagnosis diagnosis, TargetImage image, ActivePull pull) {
    ObjectRef pod = ObjectRef.of("Pod", diagnosis.install().jobNamespace(), pull.pod());
    String where = pull.node() == null ? "" : " on node " + pull.node();
    String said = pull.message() == null ? "" : ": " + pull.message();
    Result result =
        switch (pull.outcome()) {
          case PULLED ->
              onTestPod(
                  Status.PASS,
                  pod,
                  image,
                  " pulled "
                      + image.effective()
                      + where
                      + " in "
                      + pull.seconds()
                      + " s (then deleted)");
          case FAILED -> failed(image, pull, pod, where, said);
          case NOT_SCHEDULED ->
              onTestPod(
                      Status.WARN,
                      pod,
                      image,
                      " was not scheduled within "
                          + pull.seconds()
                          + " s"
                          + said
                          + "; job pods of this connector would wait the same way")
                  .withFix(
                      Fixes.run(
                          "Check the job node selectors and tolerations (JOB_KUBE_NODE_SELECTORS,"
                              + " JOB_ISOLATED_KUBE_NODE_SELECTORS, JOB_KUBE_TOLERATIONS) against"
                              + " the nodes' labels and taints:",
                          "kubectl get nodes --show-labels"));
          case TIMEOUT ->
              onTestPod(
                  Status.WARN,
                  pod,
                  image,
                  where
                      + " had neither pulled nor failed after "
                      + pull.seconds()
                      + " s"
                      + said
                      + " (a large image, a slow registry, or a pull stuck in backoff)");
          case ERROR ->
              Result.forImage(
                  INFO,
                  Status.ERROR,
                  image.effective(),
                  "the active pull test could not run" + said);
        };
    if (pull.reason() != null) {
      result = result.withEvidence("reason", pull.reason());
    }
    return result;
  }

  /** A result about the test pod {@code pod}, its message naming it first. */
  private static Result onTestPod(Status status, ObjectRef pod, TargetImage image, String rest) {
    return Result.of(INFO, status, pod, image.effective(), "test pod " + pod.name() + rest);
  }

  private static Result failed(
      TargetImage image, ActivePull pull, ObjectRef pod, String where, String said) {
    PullErrorCause cause = pull.cause() == null ? PullErrorCause.OTHER : pull.cause();
    String rules = String.join(", ", cause.rules());
    return Result.of(
            INFO,
            Status.FAIL,
            pod,
            image.effective(),
            "the kubelet"
                + where
                + " could not pull "
                + image.effective()
                + " for test pod "
                + pull.pod()
                + " ("
                + (pull.reason() == null ? "pull failed" : pull.reason())
                + ")"
                + said)
        .withRemediation(
            rules.isEmpty()
                ? "Read the kubelet's message above; pulldoctor has no rule for this cause."
                : "The cause is " + cause.word() + ": see " + rules + " for the fix.")
        .withCause(cause);
  }
}
