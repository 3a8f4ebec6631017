package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.EnvResolver;
import dev.pulldoctor.rules.airbyte.EnvValue;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.LabelSelectors;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Running launcher pods carry the pull settings the deployment and its ConfigMap now hold. */
public final class LauncherRolloutRule implements LauncherRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "launcher.rollout",
          "Running launcher pods carry the configured pull settings",
          Severity.CRITICAL,
          """
          A container reads its environment once, when it starts. 'kubectl set env' or a Helm \
          upgrade changes the Deployment's pod template, and the launcher pods that are already \
          running keep the old JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET (and pull policy and \
          connector registry) until the rollout replaces them; a paused or stuck rollout leaves \
          them in place. A value that comes from the ConfigMap <release>-airbyte-env through \
          configMapKeyRef is never refreshed in a running container: editing the ConfigMap, or a \
          Helm upgrade that re-creates it (the v2 chart renders it as a pre-upgrade hook) without \
          changing the pod template, leaves the launcher on the value it started with. The check \
          compares each launcher pod's env with the current template, and the ConfigMap's \
          creation and managedFields times with the container's start.\
          """,
          """
          Restart the launcher so that new pods read the current values: kubectl rollout restart \
          deployment/<launcher> -n <namespace>, then kubectl rollout status for the same \
          deployment.\
          """,
          List.of(
              "https://github.com/airbytehq/charts/blob/main/airbyte-2.2.0.tgz"
                  + " airbyte/templates/env-configmap.yaml:5-8 (<release>-airbyte-env, a"
                  + " pre-upgrade hook)",
              "https://github.com/airbytehq/charts/blob/main/airbyte-2.2.0.tgz"
                  + " airbyte/templates/config/_jobs.tpl:76-81 (read through configMapKeyRef)",
              "kubernetes.io: Configure a Pod to Use a ConfigMap (env values are not updated)",
              "kubernetes.io: Deployments (rollout, pause, progress deadline)"),
          List.of(ResourceKind.PODS));

  /** The launcher variables that shape connector pulls. */
  private static final List<String> VARIABLES =
      List.of(JobEnv.PULL_SECRET, JobEnv.CONNECTOR_IMAGE_REGISTRY, JobEnv.PULL_POLICY);

  private static final Pattern CONFIG_MAP_ORIGIN =
      Pattern.compile("(?:envFrom )?ConfigMap (\\S+) key (\\S+)");

  @Override
  public RuleInfo info() {
    return INFO;
  }

  /** The launcher's pods are read in its namespace, once there is a launcher. */
  @Override
  public Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return diagnosis.install().jobLauncher().map(launcher -> ReadScope.object(launcher.ref()));
  }

  @Override
  public String withoutLauncher(AirbyteInstall install) {
    return "no job launcher deployment was found (see launcher.pull-secret-env)";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, Workload workload) {
    String namespace = workload.namespace();
    List<Pod> pods = launcherPods(diagnosis.snapshot(), workload.deployment());
    if (pods.isEmpty()) {
      return List.of(
          Result.about(
              INFO,
              Status.SKIP,
              workload.ref(),
              "no pod of deployment/"
                  + workload.name()
                  + " in the snapshot (add kubectl get pods -n "
                  + namespace
                  + " -o yaml to --manifests)"));
    }
    EnvResolver resolver =
        new EnvResolver(namespace, name -> diagnosis.snapshot().configMap(namespace, name));
    List<Result> results = new ArrayList<>();
    for (Pod pod : pods) {
      results.add(check(diagnosis, workload, resolver, pod));
    }
    return results;
  }

  /** Pods the deployment's selector picks in its namespace, minus finished and terminating ones. */
  private static List<Pod> launcherPods(Snapshot snapshot, Deployment deployment) {
    LabelSelector selector =
        deployment.getSpec() == null ? null : deployment.getSpec().getSelector();
    if (selector == null
        || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
            && (selector.getMatchExpressions() == null
                || selector.getMatchExpressions().isEmpty()))) {
      // An apps/v1 Deployment always has a non-empty selector; without one nothing is safe to pick.
      return List.of();
    }
    return Snapshot.inNamespace(snapshot.pods(), deployment.getMetadata().getNamespace()).stream()
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(p -> LabelSelectors.matches(selector, p.getMetadata().getLabels()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus() == null
                    || !("Succeeded".equals(p.getStatus().getPhase())
                        || "Failed".equals(p.getStatus().getPhase())))
        .toList();
  }

  private static Result check(
      Diagnosis diagnosis, Workload workload, EnvResolver resolver, Pod pod) {
    String podName = pod.getMetadata().getName();
    ObjectRef subject = ObjectRef.of("Pod", workload.namespace(), podName);
    Optional<Container> container =
        pod.getSpec() == null
            ? Optional.empty()
            : pod.getSpec().getContainers().stream()
                .filter(c -> workload.containerName().equals(c.getName()))
                .findFirst();
    if (container.isEmpty()) {
      return Result.about(
          INFO,
          Status.SKIP,
          subject,
          "pod " + podName + " has no container " + workload.containerName() + " to compare");
    }
    Map<String, EnvValue> podEnv = resolver.resolve(container.get());
    @Nullable Instant started = startedAt(pod, workload.containerName());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("pod", podName);
    if (started != null) {
      evidence.put("containerStartedAt", started.toString());
    }
    String hash = label(pod, "pod-template-hash");
    if (hash != null) {
      evidence.put("podTemplateHash", hash);
    }
    List<String> differences = new ArrayList<>();
    for (String variable : VARIABLES) {
      EnvValue running = podEnv.getOrDefault(variable, EnvValue.unset(variable));
      EnvValue configured = workload.env(variable);
      if (!Objects.equals(running.value(), configured.value())) {
        differences.add(
            variable
                + " is "
                + shown(running)
                + " in the pod but "
                + shown(configured)
                + " in the deployment's template");
      }
    }
    if (!differences.isEmpty()) {
      return stale(workload, subject, podName, started, differences)
          .withEvidence(evidence)
          .withEvidence("differences", differences);
    }
    // Variables per ConfigMap change, so one edit is reported once.
    Map<String, List<String>> changed = new LinkedHashMap<>();
    boolean blind = false;
    for (String variable : VARIABLES) {
      EnvValue running = podEnv.getOrDefault(variable, EnvValue.unset(variable));
      Matcher origin = CONFIG_MAP_ORIGIN.matcher(running.origin());
      if (!origin.matches()) {
        continue;
      }
      Optional<ConfigMap> configMap =
          diagnosis.snapshot().configMap(workload.namespace(), origin.group(1));
      if (configMap.isEmpty()) {
        continue;
      }
      List<ManagedFieldsEntry> managed = configMap.get().getMetadata().getManagedFields();
      blind |= managed == null || managed.isEmpty();
      Optional<Change> change = lastChange(configMap.get(), origin.group(2));
      if (started != null && change.isPresent() && change.get().at().isAfter(started)) {
        changed
            .computeIfAbsent(
                "ConfigMap "
                    + origin.group(1)
                    + ", which was "
                    + change.get().how()
                    + " at "
                    + change.get().at(),
                k -> new ArrayList<>())
            .add(variable);
      }
    }
    List<String> changes =
        changed.entrySet().stream()
            .map(
                e ->
                    String.join(" and ", e.getValue())
                        + (e.getValue().size() == 1 ? " comes" : " come")
                        + " from "
                        + e.getKey())
            .toList();
    Fix restart = restart(workload);
    if (!changes.isEmpty()) {
      return Result.about(
              INFO,
              Status.WARN,
              subject,
              "pod "
                  + podName
                  + " may run with outdated pull settings: its container started at "
                  + started
                  + ", and "
                  + String.join("; ", changes)
                  + ". Containers read env from a ConfigMap only when they start, so the"
                  + " launcher may still hand job pods the value from before the change.")
          .withFix(restart)
          .withEvidence(evidence)
          .withEvidence("changes", changes);
    }
    String note =
        blind
            ? " (the ConfigMap has no managedFields, as in plain kubectl get -o yaml output, so"
                + " later edits of it are invisible here; kubectl get --show-managed-fields keeps"
                + " them)"
            : "";
    return Result.about(
            INFO,
            Status.PASS,
            subject,
            "pod "
                + podName
                + " has the deployment's current "
                + JobEnv.PULL_SECRET
                + ": "
                + shown(workload.env(JobEnv.PULL_SECRET))
                + note)
        .withEvidence(evidence);
  }

  private static Result stale(
      Workload workload,
      ObjectRef subject,
      String podName,
      @Nullable Instant started,
      List<String> differences) {
    Deployment deployment = workload.deployment();
    boolean paused =
        deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused());
    String stuck = stuckReason(deployment);
    String state =
        paused
            ? " The deployment is paused, so the rollout does not replace it."
            : stuck != null
                ? " The rollout is stuck (" + stuck + "): new pods do not become ready."
                : " The rollout has not replaced it yet.";
    String deploymentArg = "deployment/" + Fixes.shellWord(workload.name());
    String namespaceArg = " -n " + Fixes.shellWord(workload.namespace());
    Fix remediation =
        paused
            ? Fix.of(
                "The deployment is paused; resume its rollout:",
                new Step.Manual("", "kubectl rollout resume " + deploymentArg + namespaceArg))
            : Fix.of(
                "Wait for the rollout:",
                new Step.Manual("", "kubectl rollout status " + deploymentArg + namespaceArg),
                new Step.Manual(
                    "If it does not finish, see why, then restart the launcher:",
                    "kubectl describe " + deploymentArg + namespaceArg),
                new Step.RestartDeployment(workload.ref()));
    return Result.about(
            INFO,
            Status.FAIL,
            subject,
            "launcher pod "
                + podName
                + (started == null ? "" : " (started " + started + ")")
                + " predates the current pod template of deployment/"
                + workload.name()
                + ": "
                + String.join("; ", differences)
                + ". Job pods it creates get the old setting."
                + state)
        .withFix(remediation);
  }

  private static Fix restart(Workload workload) {
    return Fix.of(
        "Restart the launcher, so its pods read the current settings:",
        new Step.RestartDeployment(workload.ref()));
  }

  private static @Nullable String stuckReason(Deployment deployment) {
    if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
      return null;
    }
    return deployment.getStatus().getConditions().stream()
        .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus()))
        .map(DeploymentCondition::getReason)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  private static String shown(EnvValue value) {
    if (value.value() == null) {
      return "unset";
    }
    return (value.value().isEmpty() ? "empty" : "'" + value.value() + "'")
        + " ("
        + value.origin()
        + ")";
  }

  /** When and how a ConfigMap key last changed, as far as the object shows it. */
  private record Change(Instant at, String how) {}

  /**
   * The latest of the creation time and the times of managedFields entries that own the key (an
   * entry's time moves whenever its manager changes a field it owns).
   */
  private static Optional<Change> lastChange(ConfigMap configMap, String key) {
    List<Change> changes = new ArrayList<>();
    Instant created = parse(configMap.getMetadata().getCreationTimestamp());
    if (created != null) {
      changes.add(new Change(created, "created"));
    }
    List<ManagedFieldsEntry> managed = configMap.getMetadata().getManagedFields();
    if (managed != null) {
      for (ManagedFieldsEntry entry : managed) {
        Instant at = parse(entry.getTime());
        if (at != null && ownsKey(entry, key)) {
          changes.add(new Change(at, "last changed by field manager '" + entry.getManager() + "'"));
        }
      }
    }
    return changes.stream().max((a, b) -> a.at().compareTo(b.at()));
  }

  private static boolean ownsKey(ManagedFieldsEntry entry, String key) {
    if (entry.getFieldsV1() == null) {
      return true;
    }
    Object data = entry.getFieldsV1().getAdditionalProperties().get("f:data");
    return data instanceof Map<?, ?> fields && fields.containsKey("f:" + key);
  }

  private static @Nullable Instant startedAt(Pod pod, String containerName) {
    if (pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses != null) {
      for (ContainerStatus status : statuses) {
        if (containerName.equals(status.getName())
            && status.getState() != null
            && status.getState().getRunning() != null) {
          Instant running = parse(status.getState().getRunning().getStartedAt());
          if (running != null) {
            return running;
          }
        }
      }
    }
    return parse(pod.getStatus().getStartTime());
  }

  private static @Nullable Instant parse(@Nullable String time) {
    if (time == null) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable String label(Pod pod, String key) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
