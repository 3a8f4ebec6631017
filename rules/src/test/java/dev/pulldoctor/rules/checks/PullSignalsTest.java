package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.checks.PullSignals.Kind;
import dev.pulldoctor.rules.checks.PullSignals.Signal;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSeriesBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which events and container states count as pull failures of job pods, and when they happened. */
class PullSignalsTest {
  private static final String NS = "airbyte";
  private static final String JOB_POD =
      "source-acme-check-8e1f2a3b-2c4d-4e6f-8a9b-0c1d2e3f4a5b-0-qwert";
  private static final String IMAGE = "registry.example.com/data-team/source-acme:1.2.0";

  @Test
  void time_falls_back_from_last_timestamp_to_series_event_time_and_first_timestamp() {
    assertThat(time(event("Failed", "x").withLastTimestamp("2026-11-23T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(
            time(
                event("Failed", "x")
                    .withSeries(
                        new EventSeriesBuilder()
                            .withCount(7)
                            .withLastObservedTime(new MicroTime("2026-11-23T09:00:00.123456Z"))
                            .build())
                    .withEventTime(new MicroTime("2026-11-23T08:00:00.000001Z"))))
        .isEqualTo(Instant.parse("2026-11-23T09:00:00.123456Z"));
    assertThat(time(event("Failed", "x").withEventTime(new MicroTime("2026-11-23T08:00:00Z"))))
        .isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    assertThat(
            time(
                event("Failed", "x")
                    .withLastTimestamp("not a time")
                    .withSeries(new EventSeriesBuilder().withCount(2).build())
                    .withFirstTimestamp("2026-11-23T07:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-23T07:00:00Z"));
    assertThat(time(event("Failed", "x"))).isNull();
  }

  @Test
  void only_pull_events_of_job_pods_are_signals() {
    String launcher = "airbyte-workload-launcher-6c9d8b7f5-x2x7q";
    Pod launcherPod =
        new PodBuilder()
            .withNewMetadata()
            .withName(launcher)
            .withNamespace(NS)
            .endMetadata()
            .build();
    List<Signal> signals =
        collect(
            List.of(jobPod(), launcherPod),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": 503 Service Unavailable")
                .build(),
            event("BackOff", "Back-off restarting failed container main in pod x").build(),
            event("Failed", "Error: CreateContainerConfigError").build(),
            event("Pulling", "Pulling image \"" + IMAGE + "\"").build(),
            event("Failed", "Failed to pull image \"airbyte/workload-launcher:1.8.1\": EOF")
                .editInvolvedObject()
                .withName(launcher)
                .endInvolvedObject()
                .build(),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": EOF")
                .editInvolvedObject()
                .withKind("Node")
                .endInvolvedObject()
                .build(),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": EOF")
                .withInvolvedObject(null)
                .build());

    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).kind()).isEqualTo(Kind.ATTEMPT);
    assertThat(signals.get(0).classification().cause())
        .isEqualTo(PullErrorCause.REGISTRY_SERVER_ERROR);
  }

  @Test
  void events_of_deleted_job_pods_are_recognised_by_name() {
    List<Signal> signals =
        collect(
            List.of(),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": i/o timeout").build(),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": i/o timeout")
                .editInvolvedObject()
                .withName("some-other-pod-7d9f")
                .endInvolvedObject()
                .build());

    assertThat(signals).extracting(Signal::pod).containsExactly(JOB_POD);
  }

  @Test
  void the_image_comes_from_the_message_else_from_the_container_named_in_field_path() {
    List<Signal> signals =
        collect(
            List.of(jobPod()),
            event("Failed", "Error: ErrImagePull").withCount(3).build(),
            event("Failed", "Error: ErrImagePull")
                .editInvolvedObject()
                .withFieldPath("spec.initContainers{init}")
                .endInvolvedObject()
                .build(),
            event("Failed", "Error: ErrImagePull")
                .editInvolvedObject()
                .withFieldPath(null)
                .endInvolvedObject()
                .build());

    assertThat(signals)
        .extracting(Signal::image)
        .containsExactly(IMAGE, "airbyte/workload-init-container:1.8.1", null);
    assertThat(signals).extracting(Signal::kind).containsOnly(Kind.REPEAT);
    assertThat(signals.get(0).count()).isEqualTo(3);
  }

  @Test
  void series_count_is_used_when_count_is_missing() {
    List<Signal> signals =
        collect(
            List.of(jobPod()),
            event("Failed", "Failed to pull image \"" + IMAGE + "\": x509: bad")
                .withCount(null)
                .withSeries(new EventSeriesBuilder().withCount(12).build())
                .build(),
            event("ErrImageNeverPull", "").withCount(null).build());

    assertThat(signals).extracting(Signal::count).containsExactly(12, 1);
    assertThat(signals.get(1).message()).isEqualTo("ErrImageNeverPull");
    assertThat(signals.get(1).classification().cause()).isEqualTo(PullErrorCause.NEVER_PULL_POLICY);
  }

  @Test
  void a_waiting_state_without_message_is_named_by_its_reason() {
    Pod pod =
        new PodBuilder(jobPod())
            .withNewStatus()
            .addNewContainerStatus()
            .withName("main")
            .withNewState()
            .withNewWaiting()
            .withReason("ErrImageNeverPull")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("connector-sidecar")
            .withNewState()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    List<Signal> signals = collect(List.of(pod));

    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).kind()).isEqualTo(Kind.STATUS);
    assertThat(signals.get(0).image()).isEqualTo(IMAGE);
    assertThat(signals.get(0).time()).isNull();
    assertThat(signals.get(0).message()).isEqualTo("ErrImageNeverPull");
  }

  @Test
  void connector_images_of_a_pod() {
    assertThat(PullSignals.connectorImages(jobPod())).containsExactly(IMAGE);
    assertThat(PullSignals.connectorImages(null)).isEmpty();
    assertThat(PullSignals.connectorImages(new Pod())).isEmpty();
  }

  private static Instant time(EventBuilder event) {
    return PullSignals.time(event.build());
  }

  private static List<Signal> collect(List<Pod> pods, Event... events) {
    Snapshot.Builder builder =
        Snapshot.builder(
            Instant.parse("2026-11-23T12:00:00Z"), new Source(SourceType.MANIFESTS, null, NS));
    pods.forEach(builder::add);
    List.of(events).forEach(builder::add);
    List<Pod> jobPods =
        pods.stream()
            .filter(p -> p.getMetadata().getLabels() != null)
            .filter(p -> "job-pod".equals(p.getMetadata().getLabels().get("airbyte")))
            .toList();
    return PullSignals.collect(builder.build(), jobPods, NS).signals();
  }

  private static Pod jobPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName(JOB_POD)
        .withNamespace(NS)
        .addToLabels("airbyte", "job-pod")
        .endMetadata()
        .withNewSpec()
        .addNewInitContainer()
        .withName("init")
        .withImage("airbyte/workload-init-container:1.8.1")
        .endInitContainer()
        .addNewContainer()
        .withName("connector-sidecar")
        .withImage("airbyte/connector-sidecar:1.8.1")
        .endContainer()
        .addNewContainer()
        .withName("main")
        .withImage(IMAGE)
        .endContainer()
        .endSpec()
        .build();
  }

  private static EventBuilder event(String reason, String message) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(JOB_POD + ".18e9693b19c110fa")
        .withNamespace(NS)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withName(JOB_POD)
        .withNamespace(NS)
        .withFieldPath("spec.containers{main}")
        .endInvolvedObject()
        .withReason(reason)
        .withMessage(message)
        .withCount(1);
  }
}
