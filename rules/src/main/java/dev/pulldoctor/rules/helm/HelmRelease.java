package dev.pulldoctor.rules.helm;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What pulldoctor keeps of a Helm release record (Secret {@code sh.helm.release.v1.NAME.vN}): the
 * release, its chart, and only the values keys that shape job pods ({@link ValuesAllowList}). The
 * rest of the user's values, which often hold database passwords and tokens, is dropped while the
 * record is decoded and never reaches a snapshot, a log or a bundle.
 *
 * @param name the Helm release name
 * @param namespace where the record lives (the release's namespace)
 * @param revision the release revision ({@code vN})
 * @param status {@code deployed}, {@code superseded}, {@code failed}, …
 * @param chartName {@code chart.metadata.name}
 * @param chartVersion {@code chart.metadata.version}, empty when the record could not be read
 * @param appVersion {@code chart.metadata.appVersion}
 * @param values allow-listed values as {@code dotted.path[index].key} → the value's text
 * @param problem why the record could not be read, null when it was
 */
public record HelmRelease(
    String name,
    String namespace,
    int revision,
    String status,
    String chartName,
    String chartVersion,
    @Nullable String appVersion,
    Map<String, String> values,
    @Nullable String problem) {

  public HelmRelease {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(chartName, "chartName");
    Objects.requireNonNull(chartVersion, "chartVersion");
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** The Secret name Helm 3 stores this revision under. */
  public String secretName() {
    return "sh.helm.release.v1." + name + ".v" + revision;
  }
}
