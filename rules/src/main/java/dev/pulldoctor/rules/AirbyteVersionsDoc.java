package dev.pulldoctor.rules;

import dev.pulldoctor.rules.airbyte.ChartFacts;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.LauncherFacts;
import dev.pulldoctor.rules.rbac.LauncherPermissions;
import java.util.List;
import java.util.Objects;

/**
 * Renders {@code docs/airbyte-versions.md} from the tables the rules read ({@link LauncherFacts},
 * {@link LauncherPermissions}, {@link ChartFacts}), so the page and the product cannot disagree.
 */
public final class AirbyteVersionsDoc {
  private AirbyteVersionsDoc() {}

  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("<!-- Generated from LauncherFacts, LauncherPermissions and ChartFacts by")
        .append(" AirbyteVersionsDoc; do not edit by hand.\n")
        .append(
            "     Regenerate: mvn -pl rules test -Dtest=AirbyteVersionsDocTest"
                + " -Dpulldoctor.updateDocs=true -->\n\n")
        .append("# Airbyte facts by version\n\n")
        .append(
            "Every verdict and every fix pulldoctor prints about Airbyte's own configuration comes"
                + " from these tables, and each row names the upstream source it was read from:"
                + " Airbyte's code at its release tag (github.com/airbytehq/airbyte-platform) and"
                + " the packaged Helm charts users install (github.com/airbytehq/helm-charts for"
                + " charts 0.x and 1.x, github.com/airbytehq/charts for 2.x; the paths are inside"
                + " the .tgz, whose templates differ from the charts/ folder of airbyte-platform at"
                + " the same tag). Where Airbyte's user guide says otherwise (a sample Role with"
                + " secrets and jobs.batch, `kubectl set env deployment/airbyte-worker`,"
                + " `worker.env` values), the source wins and the product says so.\n\n");
    launchers(out);
    permissions(out);
    charts(out);
    return out.toString();
  }

  private static void launchers(StringBuilder out) {
    out.append("## Who launches job pods\n\n")
        .append(
            "| Airbyte version | launches job pods and reads"
                + " JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET | sources |\n")
        .append("|---|---|---|\n");
    for (LauncherFacts.Row row : LauncherFacts.ROWS) {
      tableRow(out, row.airbyte().display(), row.launcher(), links(row.sources()));
    }
    out.append('\n');
  }

  private static void permissions(StringBuilder out) {
    out.append("## What the launcher calls in the job namespace (`rbac.job-launcher`)\n\n")
        .append(
            "Only the pods API, in every version: no `secrets`, no `jobs.batch`. A grant marked"
                + " *housekeeping* is used by Airbyte but its refusal does not stop connector"
                + " jobs; `rbac.job-launcher` warns instead of failing. With the Airbyte version"
                + " unknown, only what every version of the component needs is asked.\n\n")
        .append("| component | Airbyte version | account | permissions | sources |\n")
        .append("|---|---|---|---|---|\n");
    for (LauncherPermissions.Row row : LauncherPermissions.ROWS) {
      List<String> grants =
          row.grants().stream()
              .map(
                  g ->
                      code(g.permission().display())
                          + (g.required() ? "" : " *(housekeeping)*")
                          + ": "
                          + g.purpose())
              .toList();
      tableRow(
          out,
          row.component().shortName(),
          row.airbyte().display(),
          row.account() == LauncherPermissions.Account.LAUNCHER
              ? "the launcher's own"
              : "JOB_KUBE_SERVICEACCOUNT (a sync's orchestrator)",
          String.join("<br>", grants),
          links(row.sources()));
    }
    out.append('\n');
  }

  private static void charts(StringBuilder out) {
    out.append("## Helm values keys by chart version\n\n")
        .append(
            "No chart has a key that moves job pods to another namespace: every chart sets"
                + " JOB_KUBE_NAMESPACE from the launcher's own namespace (fieldRef"
                + " metadata.namespace); only the launcher's extraEnv can override it. No chart"
                + " renders JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_POLICY either (the 2.x key"
                + " global.jobs.kube.mainContainerImagePullPolicy is read by no template).\n\n")
        .append(
            "| chart version | job pull secret | global.imagePullSecrets reaches job pods |"
                + " job service account | Airbyte's own pods | ServiceAccount the chart creates |"
                + " launcher extraEnv | sources |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (ChartFacts.Row row : ChartFacts.ROWS) {
      ChartKeys keys = row.keys();
      tableRow(
          out,
          row.range().display(),
          code(keys.pullSecret()),
          keys.imagePullSecretsReachJobs() ? "yes" : "no",
          code(keys.jobServiceAccount()),
          code(keys.platformServiceAccount()),
          code(keys.createdServiceAccount()),
          code(keys.launcherExtraEnv()),
          links(row.sources()));
      Objects.requireNonNull(keys.chartReference());
    }
  }

  /** One row of a Markdown table; the cells are Markdown already. */
  private static void tableRow(StringBuilder out, String... cells) {
    out.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  /** Each source as a link labelled by its file, then what the lines show. */
  private static String links(List<String> sources) {
    return String.join("<br>", sources.stream().map(AirbyteVersionsDoc::link).toList());
  }

  private static String link(String source) {
    int space = source.indexOf(' ');
    String url = space < 0 ? source : source.substring(0, space);
    String rest = space < 0 ? "" : source.substring(space + 1);
    String path = url.replaceFirst("^https://github.com/airbytehq/", "");
    return "["
        + path.replace("|", "\\|")
        + "]("
        + url
        + ")"
        + (rest.isEmpty() ? "" : " " + rest.replace("|", "\\|"));
  }
}
