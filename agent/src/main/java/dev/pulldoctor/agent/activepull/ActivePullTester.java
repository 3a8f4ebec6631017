package dev.pulldoctor.agent.activepull;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.JobScheduling;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.classify.PullErrorClassifier;
import dev.pulldoctor.rules.model.RegistryObservation.ActivePull;
import dev.pulldoctor.rules.model.RegistryObservation.PullOutcome;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in active pull test ({@code --active-pull}): one short-lived pod in the job namespace,
 * made the way Airbyte's launcher makes job pods (the image, the configured pull secrets as Airbyte
 * splits them, the job service account, the job node selectors and tolerations), with {@code
 * imagePullPolicy: Always} and a command that exits at once. It is watched until the kubelet pulled
 * the image, reported a pull failure, or the timeout passed, and then always deleted, also when the
 * JVM is stopped (Ctrl-C).
 */
public final class ActivePullTester {
  /**
   * Labels that let leftovers be found: {@code kubectl get pods -l
   * app.kubernetes.io/managed-by=pulldoctor}.
   */
  public static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/managed-by", "pulldoctor", "pulldoctor.dev/active-pull", "true");

  private static final Logger logger = LoggerFactory.getLogger(ActivePullTester.class);
  private static final Set<String> PULL_FAILED =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "RegistryUnavailable",
          "SignatureValidationFailed");

  /** Waiting reasons that come after a successful pull. */
  private static final Set<String> PULLED_BUT_NOT_STARTED =
      Set.of("CreateContainerError", "CreateContainerConfigError", "RunContainerError");

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int MESSAGE_MAX = 500;

  private final KubernetesClient client;
  private final Duration timeout;
  private final Duration poll;
  private final SecureRandom random = new SecureRandom();

  /**
   * A tester.
   *
   * @param timeout how long to wait for a pull result
   * @param poll how often to look at the pod and its events
   */
  public ActivePullTester(KubernetesClient client, Duration timeout, Duration poll) {
    this.client = client;
    this.timeout = timeout;
    this.poll = poll;
  }

  /** Runs one test pull of {@code image} (an effective image) and always cleans up. */
  public ActivePull run(AirbyteInstall install, String image) {
    String namespace = install.jobNamespace();
    String name = "pulldoctor-pull-test-" + suffix();
    long start = System.nanoTime();
    Thread cleanup = new Thread(() -> delete(namespace, name), "pulldoctor-active-pull-cleanup");
    try {
      client.pods().inNamespace(namespace).resource(pod(install, image, namespace, name)).create();
    } catch (KubernetesClientException e) {
      return new ActivePull(
          PullOutcome.ERROR,
          name,
          null,
          null,
          "creating a pod in namespace "
              + namespace
              + " was refused"
              + (e.getCode() > 0 ? " (" + e.getCode() + ")" : "")
              + "; the test needs create, get and delete on pods there",
          null,
          0);
    }
    Runtime.getRuntime().addShutdownHook(cleanup);
    logger.info("active pull test: created pod {} in namespace {}", name, namespace);
    try {
      return watch(namespace, name, start);
    } finally {
      delete(namespace, name);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook deletes the pod
      }
    }
  }

  private ActivePull watch(String namespace, String name, long start) {
    long deadline = start + timeout.toNanos();
    Pod pod = null;
    while (true) {
      try {
        pod = client.pods().inNamespace(namespace).withName(name).get();
      } catch (KubernetesClientException e) {
        logger.debug("reading test pod {} failed ({})", name, e.getCode());
      }
      List<Event> events = events(namespace, name);
      ActivePull result = judge(pod, events, name, start, false);
      if (result != null) {
        return result;
      }
      if (System.nanoTime() >= deadline) {
        return Objects.requireNonNull(judge(pod, events, name, start, true));
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return outcome(PullOutcome.ERROR, name, pod, null, "interrupted", start);
      }
    }
  }

  /** The result so far, or null to keep watching; {@code last} forces one at the deadline. */
  private @Nullable ActivePull judge(
      @Nullable Pod pod, List<Event> events, String name, long start, boolean last) {
    for (Event event : events) {
      if ("Pulled".equals(event.getReason())) {
        return outcome(PullOutcome.PULLED, name, pod, "Pulled", event.getMessage(), start);
      }
    }
    Optional<Event> failed =
        events.stream()
            .filter(e -> "Failed".equals(e.getReason()))
            .filter(e -> String.valueOf(e.getMessage()).startsWith("Failed to pull image"))
            .findFirst();
    ContainerStatus status =
        pod == null
                || pod.getStatus() == null
                || pod.getStatus().getContainerStatuses() == null
                || pod.getStatus().getContainerStatuses().isEmpty()
            ? null
            : pod.getStatus().getContainerStatuses().get(0);
    if (status != null && status.getState() != null) {
      if (status.getState().getRunning() != null || status.getState().getTerminated() != null) {
        return outcome(PullOutcome.PULLED, name, pod, "Started", null, start);
      }
      ContainerStateWaiting waiting = status.getState().getWaiting();
      if (waiting != null && PULLED_BUT_NOT_STARTED.contains(waiting.getReason())) {
        return outcome(
            PullOutcome.PULLED, name, pod, waiting.getReason(), waiting.getMessage(), start);
      }
      if (waiting != null && PULL_FAILED.contains(waiting.getReason())) {
        String message = failed.map(Event::getMessage).orElse(waiting.getMessage());
        return outcome(PullOutcome.FAILED, name, pod, waiting.getReason(), message, start);
      }
    }
    if (failed.isPresent()) {
      return outcome(
          PullOutcome.FAILED, name, pod, "ErrImagePull", failed.get().getMessage(), start);
    }
    if (!last) {
      return null;
    }
    PodCondition scheduled =
        pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null
            ? null
            : pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()))
                .findFirst()
                .orElse(null);
    if (pod == null || pod.getSpec() == null || pod.getSpec().getNodeName() == null) {
      String message = scheduled == null ? null : scheduled.getMessage();
      return outcome(
          PullOutcome.NOT_SCHEDULED,
          name,
          pod,
          scheduled == null ? null : scheduled.getReason(),
          message,
          start);
    }
    String reason =
        status != null && status.getState() != null && status.getState().getWaiting() != null
            ? status.getState().getWaiting().getReason()
            : null;
    return outcome(PullOutcome.TIMEOUT, name, pod, reason, null, start);
  }

  private ActivePull outcome(
      PullOutcome outcome,
      String name,
      @Nullable Pod pod,
      @Nullable String reason,
      @Nullable String message,
      long start) {
    String node = pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    String text = message == null ? null : shorten(message);
    return new ActivePull(
        outcome,
        name,
        node,
        reason,
        text,
        outcome == PullOutcome.FAILED ? causeOf(reason, message) : null,
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
  }

  /** The cause of a failed test pull, by the same classifier as {@code pulldoctor classify}. */
  static PullErrorCause causeOf(@Nullable String reason, @Nullable String message) {
    String text = (reason == null ? "" : reason + ": ") + (message == null ? "" : message);
    return PullErrorClassifier.classify(text).cause();
  }

  private List<Event> events(String namespace, String name) {
    try {
      return client.v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(
              e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
          .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
          .toList();
    } catch (KubernetesClientException e) {
      logger.debug("reading events of test pod {} failed ({})", name, e.getCode());
      return List.of();
    }
  }

  /** The pod Airbyte's launcher would make for a custom connector, reduced to the pull. */
  static Pod pod(AirbyteInstall install, String image, String namespace, String name) {
    JobScheduling scheduling = JobScheduling.of(install);
    List<LocalObjectReference> secrets =
        install.pullSecretNames().stream().map(LocalObjectReference::new).toList();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(LABELS)
        .withAnnotations(Map.of("pulldoctor.dev/image", image))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(install.jobServiceAccount())
        .withAutomountServiceAccountToken(false)
        .withImagePullSecrets(secrets)
        .withNodeSelector(scheduling.nodeSelector())
        .withTolerations(scheduling.tolerations())
        .withTerminationGracePeriodSeconds(0L)
        .withActiveDeadlineSeconds(600L)
        .addNewContainer()
        .withName("pull-test")
        .withImage(image)
        .withImagePullPolicy("Always")
        .withCommand("sh", "-c", "exit 0")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
        .withLimits(Map.of("memory", new Quantity("64Mi")))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private void delete(String namespace, String name) {
    try {
      client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
      logger.info("active pull test: deleted pod {} in namespace {}", name, namespace);
    } catch (KubernetesClientException e) {
      logger.warn(
          "could not delete test pod {} in namespace {} ({}); delete it with: kubectl delete pod {}"
              + " -n {}",
          name,
          namespace,
          e.getCode(),
          name,
          namespace);
    }
  }

  private String suffix() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  private static String shorten(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < MESSAGE_MAX; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return text.length() > MESSAGE_MAX ? out + "…" : out.toString();
  }
}
