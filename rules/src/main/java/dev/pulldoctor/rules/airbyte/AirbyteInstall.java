package dev.pulldoctor.rules.airbyte;

import dev.pulldoctor.rules.helm.HelmRelease;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Answers the Airbyte questions once per snapshot: which deployment launches job pods, the
 * effective {@code JOB_KUBE_*} values, the job namespace and service account, the pull-secret names
 * exactly as Airbyte splits them, and the connector image registry rewrite.
 *
 * <p>Facts: {@link LauncherFacts}, {@link ChartFacts} and docs/airbyte-versions.md.
 */
public final class AirbyteInstall {
  private static final Pattern CHART_VERSION = Pattern.compile(".*?-(v?\\d+\\.\\d+.*)$");
  private static final String NAME_LABEL = "app.kubernetes.io/name";
  private static final String COMPONENT_LABEL = "airbyte";
  private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

  private final String namespace;
  private final @Nullable Workload workloadLauncher;
  private final @Nullable Workload worker;
  private final @Nullable AirbyteVersion version;
  private final @Nullable String chartVersion;
  private final ChartGeneration chart;
  private final @Nullable String release;
  private final List<ServiceAccount> serviceAccounts;
  private final List<String> launcherNamespacesElsewhere;
  private final @Nullable HelmRelease helmRelease;

  private AirbyteInstall(
      String namespace,
      @Nullable Workload workloadLauncher,
      @Nullable Workload worker,
      @Nullable AirbyteVersion version,
      @Nullable String chartVersion,
      ChartGeneration chart,
      @Nullable String release,
      List<ServiceAccount> serviceAccounts,
      List<String> launcherNamespacesElsewhere,
      @Nullable HelmRelease helmRelease) {
    this.namespace = namespace;
    this.workloadLauncher = workloadLauncher;
    this.worker = worker;
    this.version = version;
    this.chartVersion = chartVersion;
    this.chart = chart;
    this.release = release;
    this.serviceAccounts = serviceAccounts;
    this.launcherNamespacesElsewhere = launcherNamespacesElsewhere;
    this.helmRelease = helmRelease;
  }

  /** Reads the Airbyte install in {@code namespace} of the snapshot. */
  public static AirbyteInstall from(Snapshot snapshot, String namespace) {
    List<Deployment> deployments = Snapshot.inNamespace(snapshot.deployments(), namespace);
    EnvResolver resolver = new EnvResolver(namespace, name -> snapshot.configMap(namespace, name));
    Workload launcher = find(deployments, Component.WORKLOAD_LAUNCHER, resolver);
    Workload worker = find(deployments, Component.WORKER, resolver);
    Workload primary = launcher != null ? launcher : worker;
    AirbyteVersion version = primary == null ? null : detectVersion(primary);
    String release = primary == null ? null : releaseOf(primary);
    HelmRelease helmRelease =
        release == null ? null : snapshot.helmRelease(namespace, release).orElse(null);
    String chartVersion = primary == null ? null : detectChartVersion(primary.deployment());
    if (chartVersion == null
        && helmRelease != null
        && helmRelease.chartName().equals("airbyte")
        && !helmRelease.chartVersion().isEmpty()) {
      // No chart label on the deployment: the release record still names the chart.
      chartVersion = helmRelease.chartVersion();
    }
    return new AirbyteInstall(
        namespace,
        launcher,
        worker,
        version,
        chartVersion,
        generation(chartVersion),
        release,
        snapshot.serviceAccounts(),
        launcherNamespaces(snapshot.deployments()).stream()
            .filter(ns -> !ns.equals(namespace))
            .toList(),
        helmRelease);
  }

  /**
   * Namespaces holding an Airbyte deployment that launches job pods, workload-launchers first, for
   * finding the install when the user gave no namespace.
   */
  public static List<String> launcherNamespaces(List<Deployment> deployments) {
    Stream<Deployment> byLabel =
        Stream.of(Component.WORKLOAD_LAUNCHER, Component.WORKER)
            .flatMap(c -> deployments.stream().filter(d -> hasComponentLabel(d, c)));
    Stream<Deployment> byName =
        Stream.of(Component.WORKLOAD_LAUNCHER, Component.WORKER)
            .flatMap(
                c ->
                    deployments.stream()
                        .filter(d -> d.getMetadata().getName().endsWith("-" + c.shortName())));
    return Stream.concat(byLabel, byName)
        .map(d -> d.getMetadata().getNamespace())
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /**
   * Other namespaces of the snapshot that hold a deployment launching job pods: where to look when
   * this one holds none.
   */
  public List<String> launcherNamespacesElsewhere() {
    return launcherNamespacesElsewhere;
  }

  /**
   * Why there is no launcher to diagnose, for messages: {@code no Airbyte job launcher in namespace
   * N}, and where one runs when the snapshot shows it.
   */
  public String noLauncherExplanation() {
    StringBuilder text =
        new StringBuilder("no Airbyte job launcher in namespace ")
            .append(namespace)
            .append(
                " (looked for a Deployment labelled app.kubernetes.io/name=workload-launcher, or"
                    + " worker before Airbyte 1.0)");
    if (!launcherNamespacesElsewhere.isEmpty()) {
      text.append("; Airbyte's job launcher runs in namespace")
          .append(launcherNamespacesElsewhere.size() > 1 ? "s " : " ")
          .append(String.join(", ", launcherNamespacesElsewhere))
          .append(": run pulldoctor with -n ")
          .append(launcherNamespacesElsewhere.get(0));
    }
    return text.toString();
  }

  /** The Airbyte namespace (where the launcher runs). */
  public String namespace() {
    return namespace;
  }

  public Optional<Workload> workloadLauncher() {
    return Optional.ofNullable(workloadLauncher);
  }

  public Optional<Workload> worker() {
    return Optional.ofNullable(worker);
  }

  public Optional<AirbyteVersion> version() {
    return Optional.ofNullable(version);
  }

  public Optional<String> chartVersion() {
    return Optional.ofNullable(chartVersion);
  }

  public ChartGeneration chart() {
    return chart;
  }

  /**
   * The values keys of the installed chart ({@link ChartFacts}); empty when the chart version is
   * unknown.
   */
  public Optional<ChartKeys> chartKeys() {
    return chartVersion().flatMap(AirbyteVersion::parse).flatMap(ChartFacts::keys);
  }

  public Optional<String> release() {
    return Optional.ofNullable(release);
  }

  /**
   * The newest record of the install's Helm release ({@code sh.helm.release.v1.RELEASE.vN}), with
   * the allow-listed values the user gave; empty when it was not read.
   */
  public Optional<HelmRelease> helmRelease() {
    return Optional.ofNullable(helmRelease);
  }

  /** Which component this version expects to launch job pods. */
  public Component expectedLauncher() {
    if (version != null) {
      return version.atLeast(LauncherFacts.LAUNCHER_ONLY)
          ? Component.WORKLOAD_LAUNCHER
          : workloadLauncher != null ? Component.WORKLOAD_LAUNCHER : Component.WORKER;
    }
    return workloadLauncher != null || worker == null
        ? Component.WORKLOAD_LAUNCHER
        : Component.WORKER;
  }

  /** The deployment that launches job pods and reads the {@code JOB_KUBE_*} variables. */
  public Optional<Workload> jobLauncher() {
    return Optional.ofNullable(
        expectedLauncher() == Component.WORKLOAD_LAUNCHER ? workloadLauncher : worker);
  }

  /** The effective value of a launcher variable; unset when there is no launcher. */
  public EnvValue launcherEnv(String name) {
    return jobLauncher().map(w -> w.env(name)).orElseGet(() -> EnvValue.unset(name));
  }

  /**
   * The secret names Airbyte puts on every job pod: {@code String.split(",")} with no trimming, as
   * Micronaut converts the value, so {@code "a, b"} yields {@code " b"} and a trailing comma is
   * dropped.
   */
  public List<String> pullSecretNames() {
    return splitLikeAirbyte(launcherEnv(JobEnv.PULL_SECRET).value());
  }

  static List<String> splitLikeAirbyte(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(value.split(","));
  }

  /**
   * The pull secrets a new job pod gets: Airbyte's list when non-empty; otherwise the service
   * account's, which the ServiceAccount admission plugin copies only into pods that have none.
   */
  public List<String> jobPodPullSecrets() {
    List<String> names = pullSecretNames();
    if (!names.isEmpty()) {
      return names;
    }
    return jobServiceAccountObject()
        .map(
            sa ->
                sa.getImagePullSecrets() == null
                    ? List.<String>of()
                    : sa.getImagePullSecrets().stream()
                        .map(LocalObjectReference::getName)
                        .filter(Objects::nonNull)
                        .toList())
        .orElse(List.of());
  }

  /**
   * Where job pods run: {@code JOB_KUBE_NAMESPACE}, which both charts set to the launcher's
   * namespace.
   */
  public String jobNamespace() {
    EnvValue value = launcherEnv(JobEnv.NAMESPACE);
    if (value.hasValue()) {
      return Objects.requireNonNull(value.value());
    }
    // Without a launcher the namespace we were pointed at is the best guess; with one, the
    // launcher falls back to its application.yml default.
    return jobLauncher().isPresent() ? JobEnv.DEFAULT_NAMESPACE : namespace;
  }

  /**
   * The service account of job pods: {@code JOB_KUBE_SERVICEACCOUNT}, {@code airbyte-admin} when
   * unset, and {@code default} when set to the empty string (the pod then names none).
   */
  public String jobServiceAccount() {
    EnvValue value = launcherEnv(JobEnv.SERVICE_ACCOUNT);
    if (!value.isSet()) {
      return JobEnv.DEFAULT_SERVICE_ACCOUNT;
    }
    return value.hasValue() ? Objects.requireNonNull(value.value()) : "default";
  }

  public Optional<ServiceAccount> jobServiceAccountObject() {
    String ns = jobNamespace();
    String name = jobServiceAccount();
    return serviceAccounts.stream()
        .filter(sa -> ns.equals(sa.getMetadata().getNamespace()))
        .filter(sa -> name.equals(sa.getMetadata().getName()))
        .findFirst();
  }

  /** {@code JOB_KUBE_CONNECTOR_IMAGE_REGISTRY} when set and non-empty. */
  public Optional<String> connectorImageRegistry() {
    EnvValue value = launcherEnv(JobEnv.CONNECTOR_IMAGE_REGISTRY);
    return value.hasValue() ? Optional.ofNullable(value.value()) : Optional.empty();
  }

  /**
   * The image a job pod will run for a connector registered as {@code image}: the launcher prefixes
   * the connector image registry unless the part before the first {@code /} contains {@code .} or
   * {@code :} or is {@code localhost} (PayloadKubeInputMapper.withImageRegistry).
   */
  public String effectiveImage(String image) {
    Optional<String> registry = connectorImageRegistry();
    if (registry.isEmpty()) {
      return image;
    }
    int slash = image.indexOf('/');
    if (slash != -1) {
      String before = image.substring(0, slash);
      if (before.contains(".") || before.contains(":") || before.equals("localhost")) {
        return image;
      }
    }
    return stripTrailingSlashes(registry.get()) + "/" + image;
  }

  private static String stripTrailingSlashes(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '/') {
      end--;
    }
    return value.substring(0, end);
  }

  /** The ConfigMap the launcher reads its job settings from, {@code <release>-airbyte-env}. */
  public Optional<String> envConfigMapName() {
    Optional<String> referenced =
        jobLauncher().stream()
            .flatMap(w -> w.env().values().stream())
            .map(EnvValue::origin)
            .filter(o -> o.startsWith("ConfigMap ") && o.contains("airbyte-env "))
            .map(o -> o.substring("ConfigMap ".length(), o.indexOf(' ', "ConfigMap ".length())))
            .findFirst();
    return referenced.isPresent()
        ? referenced
        : Optional.ofNullable(release).map(r -> r + "-airbyte-env");
  }

  private static @Nullable Workload find(
      List<Deployment> deployments, Component component, EnvResolver resolver) {
    Deployment match =
        deployments.stream()
            .filter(d -> hasComponentLabel(d, component))
            .findFirst()
            .orElseGet(
                () ->
                    deployments.stream()
                        .filter(
                            d -> d.getMetadata().getName().endsWith("-" + component.shortName()))
                        .findFirst()
                        .orElse(null));
    if (match == null) {
      return null;
    }
    Container container = mainContainer(match, component);
    if (container == null) {
      return null;
    }
    Map<String, EnvValue> env = resolver.resolve(container);
    return new Workload(component, match, container.getName(), env);
  }

  private static boolean hasComponentLabel(Deployment deployment, Component component) {
    Map<String, String> labels = deployment.getMetadata().getLabels();
    if (labels == null) {
      return false;
    }
    return Stream.of(labels.get(NAME_LABEL), labels.get(COMPONENT_LABEL))
        .filter(Objects::nonNull)
        .anyMatch(component.labelValues()::contains);
  }

  private static @Nullable Container mainContainer(Deployment deployment, Component component) {
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null) {
      return null;
    }
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      return null;
    }
    return containers.stream()
        .filter(c -> component.containerName().equals(c.getName()))
        .findFirst()
        .or(
            () ->
                containers.stream()
                    .filter(
                        c -> c.getImage() != null && c.getImage().contains(component.shortName()))
                    .findFirst())
        .orElse(containers.get(0));
  }

  /**
   * The Helm release: the instance label, else Helm's release annotation, else the prefix of the
   * {@code <release>-airbyte-env} ConfigMap the launcher reads.
   */
  private static @Nullable String releaseOf(Workload workload) {
    Map<String, String> labels = workload.deployment().getMetadata().getLabels();
    if (labels != null && labels.get(INSTANCE_LABEL) != null) {
      return labels.get(INSTANCE_LABEL);
    }
    Map<String, String> annotations = workload.deployment().getMetadata().getAnnotations();
    if (annotations != null && annotations.get("meta.helm.sh/release-name") != null) {
      return annotations.get("meta.helm.sh/release-name");
    }
    return workload.env().values().stream()
        .map(EnvValue::origin)
        .filter(o -> o.startsWith("ConfigMap ") && o.contains("-airbyte-env "))
        .map(o -> o.substring("ConfigMap ".length(), o.indexOf("-airbyte-env ")))
        .filter(r -> !r.isEmpty())
        .findFirst()
        .orElse(null);
  }

  private static @Nullable AirbyteVersion detectVersion(Workload workload) {
    EnvValue env = workload.env(JobEnv.AIRBYTE_VERSION);
    if (env.hasValue()) {
      Optional<AirbyteVersion> parsed = AirbyteVersion.parse(Objects.requireNonNull(env.value()));
      if (parsed.isPresent()) {
        return parsed.get();
      }
    }
    Map<String, String> labels = workload.deployment().getMetadata().getLabels();
    if (labels != null && labels.get("app.kubernetes.io/version") != null) {
      Optional<AirbyteVersion> parsed =
          AirbyteVersion.parse(labels.get("app.kubernetes.io/version"));
      if (parsed.isPresent()) {
        return parsed.get();
      }
    }
    return workload.deployment().getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> workload.containerName().equals(c.getName()))
        .map(Container::getImage)
        .filter(Objects::nonNull)
        .map(AirbyteInstall::imageTag)
        .flatMap(tag -> AirbyteVersion.parse(tag).stream())
        .findFirst()
        .orElse(null);
  }

  private static String imageTag(String image) {
    int at = image.indexOf('@');
    String withoutDigest = at >= 0 ? image.substring(0, at) : image;
    int colon = withoutDigest.lastIndexOf(':');
    return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "";
  }

  private static @Nullable String detectChartVersion(Deployment deployment) {
    Map<String, String> labels = deployment.getMetadata().getLabels();
    String chartLabel = labels == null ? null : labels.get("helm.sh/chart");
    if (chartLabel == null) {
      return null;
    }
    Matcher m = CHART_VERSION.matcher(chartLabel);
    return m.matches() ? m.group(1) : null;
  }

  private static ChartGeneration generation(@Nullable String chartVersion) {
    if (chartVersion == null) {
      return ChartGeneration.UNKNOWN;
    }
    return AirbyteVersion.parse(chartVersion)
        .map(v -> v.major() >= 2 ? ChartGeneration.V2 : ChartGeneration.V1)
        .orElse(ChartGeneration.UNKNOWN);
  }
}
