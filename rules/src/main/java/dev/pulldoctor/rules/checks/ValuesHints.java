package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ChartFacts;
import dev.pulldoctor.rules.airbyte.ChartGeneration;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.helm.HelmRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the user's Helm values (read from the release record) set that the installed chart does not
 * read: the other generation's spelling, a key at the wrong place, the user guide's {@code
 * worker.env}. Each chart line silently ignores such keys.
 */
final class ValuesHints {
  private static final Pattern COMMA = Pattern.compile(",");

  private ValuesHints() {}

  /**
   * A values key the chart ignores.
   *
   * @param key the key as the user wrote it
   * @param value its value
   * @param chartKey the key the installed chart reads for the same thing
   */
  record Ignored(String key, String value, String chartKey) {
    /** The secret names the value lists, as the user meant them (trimmed, no empties). */
    List<String> names() {
      List<String> names = new ArrayList<>();
      for (String part : COMMA.split(value, -1)) {
        if (!part.strip().isEmpty()) {
          names.add(part.strip());
        }
      }
      return names;
    }
  }

  /** Keys that set the job pull secret where the installed chart does not read them. */
  static List<Ignored> pullSecret(AirbyteInstall install) {
    Optional<HelmRelease> release = install.helmRelease();
    Optional<ChartKeys> keys = install.chartKeys();
    if (release.isEmpty() || keys.isEmpty()) {
      return List.of();
    }
    String chartKey = keys.get().pullSecret();
    List<Ignored> ignored = new ArrayList<>();
    for (Map.Entry<String, String> entry : release.get().values().entrySet()) {
      String key = entry.getKey();
      if (key.equals(chartKey) || entry.getValue().isBlank()) {
        continue;
      }
      String last = key.substring(key.lastIndexOf('.') + 1);
      String normal = last.toLowerCase(Locale.ROOT).replace("_", "");
      if (normal.startsWith("maincontainerimagepullsecret") || last.equals(JobEnv.PULL_SECRET)) {
        ignored.add(new Ignored(key, entry.getValue(), chartKey));
      } else if (last.equals("value") && isPullSecretEnvEntry(release.get(), key, keys.get())) {
        ignored.add(new Ignored(key, entry.getValue(), chartKey));
      }
    }
    return ignored;
  }

  /**
   * An {@code extraEnv} entry naming the pull-secret variable under a list the launcher does not
   * read (e.g. {@code worker.extraEnv} on a chart whose workload-launcher launches job pods).
   */
  private static boolean isPullSecretEnvEntry(
      HelmRelease release, String valueKey, ChartKeys keys) {
    String entry = valueKey.substring(0, valueKey.length() - ".value".length());
    String name = release.values().get(entry + ".name");
    if (!JobEnv.PULL_SECRET.equals(name)) {
      return false;
    }
    return !entry.startsWith(keys.launcherExtraEnv() + "[");
  }

  /**
   * One sentence per ignored key: {@code Your Helm values (release airbyte, revision 1) set K: V,
   * which chart airbyte 1.8.5 does not read (…); it reads K2.}
   */
  static String sentence(AirbyteInstall install, List<Ignored> ignored) {
    StringBuilder text = new StringBuilder();
    HelmRelease release = install.helmRelease().orElseThrow();
    String chart = "chart airbyte " + install.chartVersion().orElse("");
    for (Ignored i : ignored) {
      text.append(" Your Helm values (release ")
          .append(release.name())
          .append(", revision ")
          .append(release.revision())
          .append(") set ")
          .append(i.key())
          .append(": ")
          .append(i.value())
          .append(", which ")
          .append(chart)
          .append(" does not read")
          .append(why(install, i.key()))
          .append("; it reads ")
          .append(i.chartKey())
          .append('.');
    }
    return text.toString();
  }

  private static String why(AirbyteInstall install, String key) {
    for (ChartFacts.Row row : ChartFacts.ROWS) {
      if (row.keys().pullSecret().equals(key) && row.generation() != install.chart()) {
        return row.generation() == ChartGeneration.V2
            ? " (it is the spelling of charts 2.x)"
            : " (it is the spelling of charts 0.x and 1.x)";
      }
    }
    if (key.startsWith("worker.env.")) {
      return " (no chart reads worker.env, whatever Airbyte's user guide shows)";
    }
    return "";
  }
}
