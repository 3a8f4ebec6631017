package dev.pulldoctor.agent.serve;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Workload;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The objects whose change can change the diagnosis, as the last report found them: the launcher
 * deployment and its env ConfigMap in the Airbyte namespace; the named pull secrets, the job
 * service account and job-pod events in the job namespace.
 *
 * @param launcher the job-launching deployment, null when none was found
 * @param envConfigMap {@code <release>-airbyte-env}, null when unknown
 * @param secrets the pull-secret names job pods get (only names that can exist), at most {@link
 *     #MAX_SECRETS}
 */
public record WatchTargets(
    String namespace,
    @Nullable String launcher,
    @Nullable String envConfigMap,
    String jobNamespace,
    List<String> secrets,
    String serviceAccount) {

  /** More names than this are a misconfiguration; the periodic run still covers them. */
  public static final int MAX_SECRETS = 10;

  // Object names the API server accepts (RFC 1123 subdomain); others cannot exist, so no watch.
  private static final Pattern NAME =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

  public WatchTargets {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(jobNamespace, "jobNamespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    secrets = List.copyOf(secrets);
  }

  /**
   * What to watch of {@code namespace} before a report has described its install: every kind of
   * that namespace, its job pods taken to run there too (a report naming another job namespace
   * moves them), no pull secret by name yet.
   */
  public static WatchTargets beforeFirstReport(String namespace) {
    return new WatchTargets(namespace, null, null, namespace, List.of(), "");
  }

  /** What to watch for the install a report describes. */
  public static WatchTargets of(AirbyteInstall install) {
    Set<String> names = new LinkedHashSet<>();
    names.addAll(install.pullSecretNames());
    names.addAll(install.jobPodPullSecrets());
    List<String> secrets =
        names.stream().filter(WatchTargets::canExist).limit(MAX_SECRETS).toList();
    Optional<String> launcher = install.jobLauncher().map(Workload::name);
    return new WatchTargets(
        install.namespace(),
        launcher.orElse(null),
        install.envConfigMapName().filter(WatchTargets::canExist).orElse(null),
        install.jobNamespace(),
        secrets,
        install.jobServiceAccount());
  }

  static boolean canExist(String name) {
    return name.length() <= 253 && NAME.matcher(name).matches();
  }
}
