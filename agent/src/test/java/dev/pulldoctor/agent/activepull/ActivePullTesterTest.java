package dev.pulldoctor.agent.activepull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.ActivePull;
import dev.pulldoctor.rules.model.RegistryObservation.PullOutcome;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The active pull test against fabric8's mock API server, with a scripted kubelet: the pod is made
 * like a job pod, the outcome is read from its status and events, and it is always deleted.
 */
@EnableKubernetesMockClient(crud = true)
class ActivePullTesterTest {
  private static final String IMAGE = "registry.example.com/data-team/source-acme:1.2.0";
  private static final String DENIED =
      "Failed to pull image \""
          + IMAGE
          + "\": failed to pull and unpack image \""
          + IMAGE
          + "\": failed to resolve reference \""
          + IMAGE
          + "\": failed to authorize: failed to fetch oauth token: unexpected status from GET"
          + " request to"
          + " https://registry.example.com/v2/token?scope=repository%3Adata-team%2Fsource-acme%3Apull&service=registry.example.com:"
          + " 401 Unauthorized";

  KubernetesMockServer server;
  KubernetesClient client;
  private AirbyteInstall install;

  @BeforeEach
  void install() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    install = AirbyteInstall.from(snapshot, snapshot.source().namespace());
  }

  @Test
  void the_pod_is_made_like_a_job_pod() {
    Pod pod = ActivePullTester.pod(install, IMAGE, "airbyte", "pulldoctor-pull-test-abcde");

    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pulldoctor")
        .doesNotContainKey("airbyte");
    assertThat(pod.getSpec().getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("regcred");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo(install.jobServiceAccount());
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE);
  }

  @Test
  void pulled_image() throws Exception {
    ActivePull result =
        runWithKubelet(
            pod -> {
              setStatus(pod, "ip-10-0-1-23", null, true);
              event(pod, "Pulled", "Successfully pulled image \"" + IMAGE + "\" in 1.2s");
            });

    assertThat(result.outcome()).isEqualTo(PullOutcome.PULLED);
    assertThat(result.node()).isEqualTo("ip-10-0-1-23");
    assertThat(result.message()).startsWith("Successfully pulled image");
    assertNoTestPodLeft();
  }

  @Test
  void failed_pull_with_a_real_401_message_is_classified() throws Exception {
    ActivePull result =
        runWithKubelet(
            pod -> {
              setStatus(pod, "ip-10-0-1-23", "ErrImagePull", false);
              event(pod, "Failed", DENIED);
            });

    assertThat(result.outcome()).isEqualTo(PullOutcome.FAILED);
    assertThat(result.reason()).isEqualTo("ErrImagePull");
    assertThat(result.cause()).isEqualTo(PullErrorCause.AUTH);
    assertThat(result.message()).contains("401 Unauthorized");
    assertNoTestPodLeft();
  }

  @Test
  void never_scheduled_pod_is_reported_at_the_timeout() throws Exception {
    ActivePull result =
        runWithKubelet(
            pod -> {
              pod.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder()
                              .withType("PodScheduled")
                              .withStatus("False")
                              .withReason("Unschedulable")
                              .withMessage(
                                  "0/3 nodes are available: 3 node(s) didn't match Pod's node"
                                      + " affinity/selector.")
                              .build()));
              client.pods().resource(pod).updateStatus();
            });

    assertThat(result.outcome()).isEqualTo(PullOutcome.NOT_SCHEDULED);
    assertThat(result.reason()).isEqualTo("Unschedulable");
    assertThat(result.message()).contains("didn't match Pod's node affinity/selector");
    assertNoTestPodLeft();
  }

  @Test
  void forbidden_creation_is_an_error_that_names_the_permission() {
    server.expect().post().withPath("/api/v1/namespaces/airbyte/pods").andReturn(403, "{}").once();
    KubernetesClient plain = client;

    ActivePull result =
        new ActivePullTester(plain, Duration.ofSeconds(1), Duration.ofMillis(50))
            .run(install, IMAGE);

    assertThat(result.outcome()).isEqualTo(PullOutcome.ERROR);
    assertThat(result.message()).contains("(403)").contains("create, get and delete on pods");
    assertNoTestPodLeft();
  }

  @Test
  void causes_come_from_the_pull_error_classifier() {
    assertThat(
            ActivePullTester.causeOf(
                "ErrImagePull", "dial tcp: lookup r.example.com: no such host"))
        .isEqualTo(PullErrorCause.NETWORK_DNS);
    assertThat(
            ActivePullTester.causeOf(
                "ErrImagePull", "no match for platform in manifest: not found"))
        .isEqualTo(PullErrorCause.PLATFORM);
    assertThat(
            ActivePullTester.causeOf(
                "ErrImagePull", "x509: certificate signed by unknown authority"))
        .isEqualTo(PullErrorCause.TLS);
    assertThat(ActivePullTester.causeOf("ErrImagePull", "manifest unknown"))
        .isEqualTo(PullErrorCause.NOT_FOUND);
    assertThat(ActivePullTester.causeOf("ImagePullBackOff", "Back-off pulling image"))
        .isEqualTo(PullErrorCause.OTHER);
  }

  /** Runs the tester while a scripted kubelet acts on the test pod once it appears. */
  private ActivePull runWithKubelet(Consumer<Pod> kubelet) throws Exception {
    CompletableFuture<Void> script =
        CompletableFuture.runAsync(
            () -> {
              Pod pod =
                  Waits.await("the test pod")
                      .pollInterval(Duration.ofMillis(20))
                      .until(
                          () ->
                              client
                                  .pods()
                                  .inNamespace("airbyte")
                                  .withLabel("pulldoctor.dev/active-pull", "true")
                                  .list()
                                  .getItems(),
                          pods -> !pods.isEmpty())
                      .get(0);
              if (pod.getStatus() == null) {
                pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
              }
              kubelet.accept(pod);
            });
    ActivePull result =
        new ActivePullTester(client, Duration.ofMillis(1500), Duration.ofMillis(50))
            .run(install, IMAGE);
    script.get(10, TimeUnit.SECONDS);
    return result;
  }

  private void setStatus(Pod pod, String node, String waitingReason, boolean running) {
    pod.getSpec().setNodeName(node);
    client.pods().resource(pod).update();
    Pod current = client.pods().inNamespace("airbyte").withName(pod.getMetadata().getName()).get();
    ContainerStatusBuilder status =
        new ContainerStatusBuilder().withName("pull-test").withImage(IMAGE);
    if (running) {
      status.withNewState().withNewRunning().endRunning().endState();
    } else {
      status
          .withNewState()
          .withNewWaiting()
          .withReason(waitingReason)
          .withMessage("rpc error: code = Unknown desc = " + DENIED)
          .endWaiting()
          .endState();
    }
    if (current.getStatus() == null) {
      current.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    current.getStatus().setContainerStatuses(List.of(status.build()));
    client.pods().resource(current).updateStatus();
  }

  private void event(Pod pod, String reason, String message) {
    client
        .v1()
        .events()
        .inNamespace("airbyte")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(
                    pod.getMetadata().getName() + "." + reason.toLowerCase(java.util.Locale.ROOT))
                .withNamespace("airbyte")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .withNamespace("airbyte")
                .endInvolvedObject()
                .withReason(reason)
                .withMessage(message)
                .withType(reason.equals("Failed") ? "Warning" : "Normal")
                .build())
        .create();
  }

  private void assertNoTestPodLeft() {
    assertThat(
            client
                .pods()
                .inNamespace("airbyte")
                .withLabel("app.kubernetes.io/managed-by", "pulldoctor")
                .list()
                .getItems())
        .isEmpty();
  }
}
