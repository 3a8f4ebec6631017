package dev.pulldoctor.rules.airbyte;

import java.util.Set;

/** Airbyte deployments that can launch connector job pods. */
public enum Component {
  /**
   * {@code airbyte-workload-launcher}: launches job pods by default from 0.63.14, alone from
   * 0.64.6.
   */
  WORKLOAD_LAUNCHER("workload-launcher", "airbyte-workload-launcher-container"),
  /** {@code airbyte-worker}: launched job pods until 0.64.5 ({@link LauncherFacts}). */
  WORKER("worker", "airbyte-worker-container");

  private final String shortName;
  private final String containerName;

  Component(String shortName, String containerName) {
    this.shortName = shortName;
    this.containerName = containerName;
  }

  /** The chart's component name, e.g. {@code workload-launcher}. */
  public String shortName() {
    return shortName;
  }

  /** The container name both chart generations render for this component. */
  public String containerName() {
    return containerName;
  }

  /** Values of {@code app.kubernetes.io/name} (or {@code airbyte}) that identify the component. */
  Set<String> labelValues() {
    return Set.of(shortName, "airbyte-" + shortName);
  }
}
