package dev.pulldoctor.rules.helm;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Helm values paths pulldoctor keeps from a release record: the keys, in any chart generation's
 * spelling and at any depth, that name job pull secrets, service accounts, the jobs namespace, the
 * registry prefix or a {@code JOB_KUBE_*} variable. Names, never credentials.
 */
final class ValuesAllowList {
  /** The longest value kept: a Kubernetes object name (a list of names is joined by commas). */
  static final int MAX_VALUE_LENGTH = 1024;

  private static final Set<String> LAST_SEGMENTS =
      Set.of(
          "maincontainerimagepullsecret",
          "maincontainerimagepullsecrets",
          "maincontainerimagepullpolicy",
          "serviceaccountname",
          "edition");

  private ValuesAllowList() {}

  /**
   * Whether a scalar at this path is kept. Segments are keys; list indexes appear as {@code [i]}
   * segments.
   */
  static boolean keeps(List<String> path) {
    if (path.isEmpty()) {
      return false;
    }
    String last = normal(path.get(path.size() - 1));
    if (LAST_SEGMENTS.contains(last) || path.get(path.size() - 1).startsWith("JOB_KUBE_")) {
      return true;
    }
    String parent = path.size() > 1 ? normal(path.get(path.size() - 2)) : "";
    String grandparent = path.size() > 2 ? normal(path.get(path.size() - 3)) : "";
    // imagePullSecrets: [{name: regcred}] and the bare-string form some users write
    if (parent.equals("imagepullsecrets") && last.startsWith("[")) {
      return true;
    }
    if (grandparent.equals("imagepullsecrets") && last.equals("name")) {
      return true;
    }
    if (parent.equals("serviceaccount") && (last.equals("name") || last.equals("create"))) {
      return true;
    }
    if (parent.equals("kube") && grandparent.equals("jobs") && last.equals("namespace")) {
      return true;
    }
    return parent.equals("image") && last.equals("registry");
  }

  /**
   * Whether the path is an {@code extraEnv} (or {@code env}) list entry, whose {@code name} and
   * {@code value} are kept together when the name is a {@code JOB_KUBE_*} variable.
   */
  static boolean isEnvEntry(List<String> path) {
    if (path.size() < 2 || !path.get(path.size() - 1).startsWith("[")) {
      return false;
    }
    String list = normal(path.get(path.size() - 2));
    return list.equals("extraenv") || list.equals("env");
  }

  /** Lower case without {@code _} and {@code -}: one spelling for every generation's keys. */
  static String normal(String segment) {
    return segment.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }
}
