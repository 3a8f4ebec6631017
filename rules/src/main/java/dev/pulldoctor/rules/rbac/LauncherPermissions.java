package dev.pulldoctor.rules.rbac;

import dev.pulldoctor.rules.airbyte.AirbyteVersion;
import dev.pulldoctor.rules.airbyte.Component;
import dev.pulldoctor.rules.airbyte.VersionRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Airbyte's code calls in the job namespace, by version, read from airbytehq/airbyte-platform
 * at its release tags: the permissions a Role must grant so no call is refused. Only the pods API
 * is used (never secrets, and never jobs.batch, whatever the user guide's sample Role says). {@code
 * docs/airbyte-versions.md} shows this table with its sources.
 *
 * <p>How a fabric8 call is authorized: {@code serverSideApply()} is one PATCH, authorized as {@code
 * patch} and, because the pod is new, also as {@code create}; {@code waitUntilCondition} and
 * informers list and watch; {@code createOrReplace} is a POST ({@code create}); {@code kubectl cp}
 * gets the pod, then opens {@code pods/exec} by a WebSocket GET ({@code get}) or SPDY POST ({@code
 * create}).
 */
public final class LauncherPermissions {
  private static final String AP = "https://github.com/airbytehq/airbyte-platform/blob/";

  /** Whose permissions a row lists. */
  public enum Account {
    /** The service account the launching deployment's pods run as. */
    LAUNCHER,
    /**
     * {@code JOB_KUBE_SERVICEACCOUNT}: the container orchestrator in a sync's job pod created the
     * source and destination pods itself until 0.64.4.
     */
    JOB_PODS
  }

  /**
   * One permission and why Airbyte needs it.
   *
   * @param required false when a refusal breaks only housekeeping, not connector jobs
   */
  public record Grant(Permission permission, boolean required, String purpose) {}

  /** One row of the table: the grants of one account for one component and version range. */
  public record Row(
      Component component,
      VersionRange airbyte,
      Account account,
      List<Grant> grants,
      List<String> sources) {
    public Row {
      grants = List.copyOf(grants);
      sources = List.copyOf(sources);
    }
  }

  private static final List<Grant> WORKER_PODS =
      List.of(
          required("create", "pods", "createOrReplace of each job pod (a POST)"),
          required(
              "get", "pods", "reads the pod's IP and exit code; kubectl cp gets the pod first"),
          required("list", "pods", "the pod informer and waitUntilCondition (list, then watch)"),
          required("watch", "pods", "the pod informer and waitUntilCondition"),
          required("delete", "pods", "deletes the pod when the job ends"),
          required("create", "pods/exec", "kubectl cp of the job's config files (SPDY)"),
          required("get", "pods/exec", "kubectl cp of the job's config files (WebSocket)"));

  private static final List<Grant> LAUNCHER_PODS =
      List.of(
          required("create", "pods", "server-side apply of a new job pod creates it"),
          required("patch", "pods", "job pods are created by server-side apply, an HTTP PATCH"),
          required("list", "pods", "waitUntilCondition and the pod look-ups (list, then watch)"),
          required("watch", "pods", "waitUntilCondition waits for the pod through a watch"),
          required("delete", "pods", "deletes pods of a superseded attempt and finished pods"));

  private static final List<Grant> LAUNCHER_COPY =
      List.of(
          required("get", "pods", "kubectl cp of the job's config files gets the pod first"),
          required("create", "pods/exec", "kubectl cp into the init container (SPDY)"),
          required("get", "pods/exec", "kubectl cp into the init container (WebSocket)"));

  /**
   * The rows, by component, account and version; ranges of one component and account do not
   * overlap.
   */
  public static final List<Row> ROWS =
      List.of(
          new Row(
              Component.WORKER,
              VersionRange.all(),
              Account.LAUNCHER,
              WORKER_PODS,
              List.of(
                  AP
                      + "v0.50.0/airbyte-commons-worker/src/main/java/io/airbyte/workers/process/KubePodProcess.java#L572"
                      + " (createOrReplace), #L579-L582 (inform), #L611 (waitUntilCondition), #L178"
                      + " (get), #L709 (delete), #L308-L312 (kubectl cp)",
                  AP
                      + "v0.63.14/airbyte-commons-worker/src/main/java/io/airbyte/workers/process/AsyncOrchestratorPodProcess.java#L564-L579"
                      + " (the orchestrator pod of a sync: createOrReplace, wait, get), #L635"
                      + " (kubectl cp)")),
          new Row(
              Component.WORKER,
              VersionRange.all(),
              Account.JOB_PODS,
              WORKER_PODS,
              List.of(
                  AP
                      + "v0.63.14/airbyte-container-orchestrator/src/main/java/io/airbyte/container_orchestrator/config/ContainerOrchestratorFactory.java#L83-L104"
                      + " (the orchestrator creates the source and destination pods with the same"
                      + " KubePodProcess)",
                  AP
                      + "v0.50.44/airbyte-workers/src/main/resources/application.yml#L233"
                      + " (the orchestrator pod runs as JOB_KUBE_SERVICEACCOUNT)")),
          new Row(
              Component.WORKLOAD_LAUNCHER,
              VersionRange.before("1.2.0"),
              Account.LAUNCHER,
              concat(LAUNCHER_PODS, LAUNCHER_COPY),
              List.of(
                  AP
                      + "v0.63.14/airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt#L49-L59"
                      + " (serverSideApply), #L162-L176 (waitUntilCondition), #L179-L227 (list,"
                      + " delete)",
                  AP
                      + "v1.0.0/airbyte-workload-launcher/src/main/kotlin/pods/KubeCopyClient.kt#L61-L72"
                      + " (kubectl cp; removed in v1.2.0)")),
          new Row(
              Component.WORKLOAD_LAUNCHER,
              VersionRange.before("0.64.5"),
              Account.JOB_PODS,
              WORKER_PODS,
              List.of(
                  AP
                      + "v0.63.14/airbyte-container-orchestrator/src/main/java/io/airbyte/container_orchestrator/config/ContainerOrchestratorFactory.java#L83-L104"
                      + " (a sync's orchestrator pod creates the source and destination pods; the"
                      + " single replication pod replaces it in 0.64.4 and 0.64.5)")),
          new Row(
              Component.WORKLOAD_LAUNCHER,
              VersionRange.between("1.2.0", "2.0.0"),
              Account.LAUNCHER,
              LAUNCHER_PODS,
              List.of(
                  AP
                      + "v1.5.0/airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt#L53-L56"
                      + " (serverSideApply), #L82 (waitUntilCondition), #L239-L274 (list, delete,"
                      + " wait)",
                  AP
                      + "v1.6.0/airbyte-workload-launcher/src/main/kotlin/PodSweeper.kt#L74-L79"
                      + " (list), #L159-L180 (delete)")),
          new Row(
              Component.WORKLOAD_LAUNCHER,
              VersionRange.since("2.0.0"),
              Account.LAUNCHER,
              concat(
                  LAUNCHER_PODS,
                  List.of(
                      new Grant(
                          new Permission("get", "", "pods"),
                          false,
                          "the hourly runaway-pod sweeper labels pods with a GET and a PATCH;"
                              + " launching does not need it"))),
              List.of(
                  AP
                      + "v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt#L51-L61"
                      + " (serverSideApply), #L163-L257 (waits, list, delete)",
                  AP
                      + "v2.0.0/airbyte-workload-launcher/src/main/kotlin/client/KubernetesClientWrapper.kt#L50-L66"
                      + " (edit: GET then PATCH), "
                      + AP
                      + "v2.0.0/airbyte-workload-launcher/src/main/kotlin/RunawayPodSweeper.kt#L55-L100")));

  private LauncherPermissions() {}

  /**
   * The grants one account needs. With the version unknown, only what every version of the
   * component needs is asked (nothing, where some versions need nothing), so no install fails for a
   * permission its version does not use.
   */
  public static List<Grant> grants(
      Component component, @Nullable AirbyteVersion version, Account account) {
    List<Row> rows =
        ROWS.stream().filter(r -> r.component() == component && r.account() == account).toList();
    if (version != null) {
      return rows.stream()
          .filter(r -> r.airbyte().contains(version))
          .findFirst()
          .map(Row::grants)
          .orElse(List.of());
    }
    if (!coverEveryVersion(rows)) {
      return List.of();
    }
    List<Grant> common = new ArrayList<>(rows.get(0).grants());
    for (Row row : rows.subList(1, rows.size())) {
      common.removeIf(
          g -> row.grants().stream().noneMatch(o -> o.permission().equals(g.permission())));
    }
    return List.copyOf(common);
  }

  /** Whether the rows' ranges, taken in order, run from the first version to the newest. */
  private static boolean coverEveryVersion(List<Row> rows) {
    AirbyteVersion reached = null;
    boolean started = false;
    for (Row row : rows.stream().sorted(LauncherPermissions::byStart).toList()) {
      VersionRange range = row.airbyte();
      if (!started) {
        if (range.from() != null) {
          return false;
        }
        started = true;
      } else if (reached == null || range.from() == null || range.from().compareTo(reached) != 0) {
        return false;
      }
      if (range.until() == null) {
        return true;
      }
      reached = range.until();
    }
    return false;
  }

  private static int byStart(Row a, Row b) {
    AirbyteVersion x = a.airbyte().from();
    AirbyteVersion y = b.airbyte().from();
    if (x == null || y == null) {
      return x == null ? (y == null ? 0 : -1) : 1;
    }
    return x.compareTo(y);
  }

  /** Where a permission's need was read, for messages. */
  public static Optional<Row> row(
      Component component, @Nullable AirbyteVersion version, Account account) {
    return ROWS.stream()
        .filter(r -> r.component() == component && r.account() == account)
        .filter(r -> version != null && r.airbyte().contains(version))
        .findFirst();
  }

  private static Grant required(String verb, String resource, String purpose) {
    return new Grant(new Permission(verb, "", resource), true, purpose);
  }

  private static List<Grant> concat(List<Grant> first, List<Grant> second) {
    List<Grant> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
