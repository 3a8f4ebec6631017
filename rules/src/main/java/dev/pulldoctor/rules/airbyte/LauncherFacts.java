package dev.pulldoctor.rules.airbyte;

import java.util.List;

/**
 * Which deployment creates connector job pods and reads {@code
 * JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET}, by Airbyte version, read from
 * airbytehq/airbyte-platform at its release tags. {@code docs/airbyte-versions.md} shows it with
 * its sources.
 */
public final class LauncherFacts {
  private static final String AP = "https://github.com/airbytehq/airbyte-platform/blob/";

  /**
   * The first version whose worker has no code left that creates pods: from here on only the
   * workload-launcher launches job pods, whatever else is deployed.
   */
  public static final AirbyteVersion LAUNCHER_ONLY = AirbyteVersion.parse("0.64.6").orElseThrow();

  /** One row: who launches job pods in a range of versions, and where that was read. */
  public record Row(VersionRange airbyte, String launcher, List<String> sources) {
    public Row {
      sources = List.copyOf(sources);
    }
  }

  public static final List<Row> ROWS =
      List.of(
          new Row(
              VersionRange.before("0.63.14"),
              "airbyte-worker (the workload-launcher exists from 0.50.34 but its chart keeps it"
                  + " disabled); a sync's orchestrator pod creates the source and destination pods",
              List.of(
                  AP
                      + "v0.50.0/airbyte-workers/src/main/java/io/airbyte/workers/config/ProcessFactoryBeanFactory.java#L46-L54",
                  AP + "v0.50.44/airbyte-workers/src/main/resources/application.yml#L231",
                  AP + "v0.50.44/charts/airbyte/values.yaml#L788-L789")),
          new Row(
              VersionRange.between("0.63.14", "0.64.6"),
              "airbyte-workload-launcher when enabled (the chart's default from 0.63.14), else"
                  + " airbyte-worker; both read the variable until 0.64.6",
              List.of(
                  AP + "v0.63.14/charts/airbyte/values.yaml#L833-L834",
                  AP + "v0.63.14/airbyte-workload-launcher/src/main/resources/application.yml#L124",
                  AP + "v0.63.14/airbyte-workers/src/main/resources/application.yml#L208")),
          new Row(
              VersionRange.since("0.64.6"),
              "airbyte-workload-launcher only (the worker's pod code is deleted in 0.64.6, its"
                  + " reading of the variable in 0.64.7)",
              List.of(
                  AP + "v0.64.7/airbyte-workload-launcher/src/main/resources/application.yml#L147",
                  AP + "v1.8.0/airbyte-workload-launcher/src/main/resources/application.yml#L186",
                  AP
                      + "v2.0.0/airbyte-workload-launcher/src/main/resources/application.yml#L195")));

  private LauncherFacts() {}
}
