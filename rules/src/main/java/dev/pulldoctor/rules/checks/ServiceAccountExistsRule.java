package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.ChartGeneration;
import dev.pulldoctor.rules.airbyte.ChartKeys;
import dev.pulldoctor.rules.airbyte.EnvValue;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The service account job pods run as exists in the job namespace. */
public final class ServiceAccountExistsRule implements LauncherRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "serviceaccount.exists",
          "The job service account exists in the job namespace",
          Severity.CRITICAL,
          """
          The launcher creates every connector job pod with the service account named by \
          JOB_KUBE_SERVICEACCOUNT (default airbyte-admin) in JOB_KUBE_NAMESPACE. When that \
          ServiceAccount does not exist, the API server's ServiceAccount admission rejects the pod \
          ("error looking up service account <ns>/<name>: serviceaccount "<name>" not found"), \
          so no connector pod starts and no image is pulled. Charts before 1.4.1 and the 2.x \
          charts render the variable from global.serviceAccountName, which also names the \
          account of Airbyte's own pods (the launcher's included), but name the ServiceAccount \
          they create after serviceAccount.name; the two share a YAML anchor only in the default \
          values, so overriding one splits them (airbytehq/airbyte#68107). Charts 1.4.1 to 1.9 \
          take the job service account from global.jobs.kube.serviceAccountName alone. Every \
          chart creates the ServiceAccount as a pre-install Helm hook, so helm upgrade does not \
          recreate one that was deleted. The fix uses the keys of the installed chart \
          (docs/airbyte-versions.md).\
          """,
          """
          Create the ServiceAccount in the job namespace (kubectl create serviceaccount), or point \
          JOB_KUBE_SERVICEACCOUNT at one that exists, and make the chart's values agree.\
          """,
          List.of(
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/resources/application.yml#L197"
                  + " (default airbyte-admin)",
              "docs/airbyte-versions.md (the job service account's values key, by chart version)",
              "airbytehq/airbyte-platform charts/v2/airbyte/templates/serviceaccount.yaml",
              "airbytehq/airbyte issue #68107, #7211"),
          List.of(ResourceKind.SERVICE_ACCOUNTS));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  /** Service accounts are read once the launcher names one that resolves. */
  @Override
  public Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return resolvedSetting(diagnosis).map(value -> JobServiceAccount.of(diagnosis).readScope());
  }

  @Override
  public Result unreadable(Diagnosis diagnosis, ReadScope scope, List<CollectionError> errors) {
    EnvValue value = resolvedSetting(diagnosis).orElseThrow();
    return LauncherRule.super
        .unreadable(diagnosis, scope, errors)
        .withEvidence(evidence(diagnosis.install(), value));
  }

  /** The launcher's setting of the job service account, when there is one without a problem. */
  private static Optional<EnvValue> resolvedSetting(Diagnosis diagnosis) {
    return diagnosis
        .install()
        .jobLauncher()
        .map(launcher -> launcher.env(JobEnv.SERVICE_ACCOUNT))
        .filter(value -> value.problem() == null);
  }

  @Override
  public String withoutLauncher(AirbyteInstall install) {
    return "no deployment that launches job pods was found in namespace "
        + install.namespace()
        + ", so the job service account is unknown (see launcher.pull-secret-env)";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, Workload workload) {
    AirbyteInstall install = diagnosis.install();
    EnvValue value = workload.env(JobEnv.SERVICE_ACCOUNT);
    if (value.problem() != null) {
      return List.of(
          Result.about(
                  INFO,
                  Status.FAIL,
                  workload.ref(),
                  JobEnv.SERVICE_ACCOUNT
                      + " on deployment/"
                      + workload.name()
                      + " cannot be resolved: "
                      + value.problem())
              .withFix(Fixes.restoreEnvKey(workload))
              .withEvidence("origin", value.origin()));
    }
    String namespace = install.jobNamespace();
    String name = install.jobServiceAccount();
    ObjectRef subject = JobServiceAccount.of(diagnosis).ref();
    String origin = origin(workload, value);
    if (diagnosis.snapshot().serviceAccount(namespace, name).isPresent()) {
      return List.of(
          Result.about(
                  INFO,
                  Status.PASS,
                  subject,
                  "ServiceAccount "
                      + name
                      + " exists in namespace "
                      + namespace
                      + "; job pods run as it ("
                      + origin
                      + ")")
              .withEvidence(evidence(install, value)));
    }
    return List.of(missing(diagnosis, workload, value, subject));
  }

  private static Result missing(
      Diagnosis diagnosis, Workload launcher, EnvValue value, ObjectRef subject) {
    AirbyteInstall install = diagnosis.install();
    Snapshot snapshot = diagnosis.snapshot();
    String namespace = install.jobNamespace();
    String name = install.jobServiceAccount();
    List<ServiceAccount> local = Snapshot.inNamespace(snapshot.serviceAccounts(), namespace);
    List<String> near =
        NearNames.near(name, local.stream().map(sa -> sa.getMetadata().getName()).toList());
    List<String> chartMade =
        local.stream()
            .filter(ServiceAccountExistsRule::createdByChart)
            .map(sa -> sa.getMetadata().getName())
            .filter(n -> !near.contains(n))
            .toList();
    List<String> elsewhere =
        snapshot.serviceAccounts().stream()
            .filter(sa -> name.equals(sa.getMetadata().getName()))
            .map(sa -> sa.getMetadata().getNamespace())
            .filter(Objects::nonNull)
            .filter(ns -> !ns.equals(namespace))
            .toList();
    StringBuilder message =
        new StringBuilder("ServiceAccount '")
            .append(name)
            .append("' does not exist in namespace ")
            .append(namespace)
            .append(", but job pods run as it (")
            .append(origin(launcher, value))
            .append("): the API server rejects every job pod the launcher creates (pods \"…\" is")
            .append(" forbidden: error looking up service account ")
            .append(namespace)
            .append('/')
            .append(name)
            .append(": serviceaccount \"")
            .append(name)
            .append("\" not found), so no connector pod starts and no image is pulled.");
    if (name.equals(launcherServiceAccount(launcher))) {
      message
          .append(" deployment/")
          .append(launcher.name())
          .append(" itself runs as ")
          .append(name)
          .append(", so its own pods cannot be created either (ReplicaSet event FailedCreate).");
    }
    if (!near.isEmpty()) {
      message.append(" Did you mean ").append(quoted(near)).append('?');
    }
    if (!chartMade.isEmpty()) {
      message
          .append(" The Helm chart created ServiceAccount ")
          .append(quoted(chartMade))
          .append(" in this namespace")
          .append(splitHint(install))
          .append('.');
    }
    if (!elsewhere.isEmpty()) {
      message
          .append(" A ServiceAccount named ")
          .append(name)
          .append(" exists in namespace ")
          .append(String.join(", ", elsewhere))
          .append("; pods can only run as one from their own namespace.");
    }
    if (near.isEmpty() && install.chart() != ChartGeneration.UNKNOWN) {
      message.append(
          " The chart creates its ServiceAccount as a pre-install hook, so helm upgrade does not"
              + " recreate a deleted one.");
    }
    Step create =
        new Step.CreateServiceAccount(namespace, name.strip().isEmpty() ? name : name.strip());
    List<String> alternatives = new ArrayList<>(near);
    alternatives.addAll(chartMade);
    String rbacNote =
        name.equals(launcherServiceAccount(launcher))
            ? " The launcher runs as this account too, and also needs the Role and RoleBinding the"
                + " chart makes for it (see rbac.job-launcher)."
            : "";
    Fix fix;
    if (!near.isEmpty()) {
      // A near-miss name is almost always a typo in the values: point at the existing account.
      String other = near.get(0);
      fix =
          Fix.of(
                  "Point job pods at '" + other + "' and make it last" + helmWhy(install) + ":",
                  pointAt(install, launcher, other))
              .or(Fix.of("create the missing one:" + rbacNote, create));
    } else {
      fix =
          Fix.of(
              "Create it, and make the Helm values name it" + helmWhy(install) + ":" + rbacNote,
              create,
              helmValues(install, name.strip()));
      if (!chartMade.isEmpty()) {
        String other = chartMade.get(0);
        fix =
            fix.or(
                Fix.of(
                    "if '" + other + "' is the one you meant, point job pods at it:",
                    pointAt(install, launcher, other)));
      }
    }
    Result result =
        Result.about(INFO, Status.FAIL, subject, message.toString())
            .withFix(fix)
            .withEvidence(evidence(install, value));
    if (!alternatives.isEmpty()) {
      result = result.withEvidence("didYouMean", alternatives);
    }
    if (!elsewhere.isEmpty()) {
      result = result.withEvidence("existsInNamespaces", elsewhere);
    }
    return result;
  }

  private static String origin(Workload launcher, EnvValue value) {
    if (!value.isSet()) {
      return JobEnv.SERVICE_ACCOUNT
          + " is not set on deployment/"
          + launcher.name()
          + ", so the launcher uses its default "
          + JobEnv.DEFAULT_SERVICE_ACCOUNT;
    }
    if (!value.hasValue()) {
      return JobEnv.SERVICE_ACCOUNT
          + " is empty on deployment/"
          + launcher.name()
          + ", so pods get the namespace's default service account";
    }
    return JobEnv.SERVICE_ACCOUNT
        + "="
        + value.value()
        + " on deployment/"
        + launcher.name()
        + (value.origin().equals("value") ? ", set in its env" : ", from " + value.origin());
  }

  /**
   * The Helm values that name the job service account, with the keys of the installed chart. Where
   * that key also names the account of Airbyte's own pods (global.serviceAccountName),
   * serviceAccount.name is set with it: the chart names the ServiceAccount it creates after the one
   * and runs its pods as the other, and the two must not part (airbytehq/airbyte#68107). Where the
   * chart has a key of its own for job pods, nothing else changes.
   */
  static Step helmValues(AirbyteInstall install, String name) {
    Optional<ChartKeys> found = install.chartKeys();
    if (found.isEmpty()) {
      return new Step.Manual(
          "set global.jobs.kube.serviceAccountName (charts 1.4.1 to 1.x) or"
              + " global.serviceAccountName together with serviceAccount.name (other charts) to "
              + Fixes.shellWord(name)
              + " in your Helm values (the installed chart version is unknown)",
          null);
    }
    ChartKeys keys = found.get();
    List<String> assignments = new ArrayList<>();
    assignments.add(keys.jobServiceAccount() + "=" + name);
    if (keys.jobServiceAccount().equals(keys.platformServiceAccount())) {
      assignments.add(keys.createdServiceAccount() + "=" + name);
    }
    return Fixes.helmValues(install, keys, assignments, null);
  }

  /** Job pods pointed at another account now, and in the Helm values. */
  private static List<Step> pointAt(AirbyteInstall install, Workload launcher, String account) {
    return List.of(
        new Step.SetEnv(launcher.ref(), JobEnv.SERVICE_ACCOUNT, account),
        helmValues(install, account));
  }

  private static String helmWhy(AirbyteInstall install) {
    Optional<ChartKeys> found = install.chartKeys();
    if (found.isEmpty()) {
      return "";
    }
    ChartKeys keys = found.get();
    if (keys.jobServiceAccount().equals(keys.platformServiceAccount())) {
      return " ("
          + keys.jobServiceAccount()
          + " names the account of job pods and of Airbyte's own pods, the launcher included;"
          + " "
          + keys.createdServiceAccount()
          + " names the ServiceAccount the chart creates on first install: keep the two equal)";
    }
    return " (on this chart "
        + keys.jobServiceAccount()
        + " names the account of job pods alone; leave "
        + keys.createdServiceAccount()
        + " as it is: it renames the chart's own ServiceAccount and Role while Airbyte's pods keep "
        + keys.platformServiceAccount()
        + ")";
  }

  private static String splitHint(AirbyteInstall install) {
    return install
        .chartKeys()
        .filter(k -> k.jobServiceAccount().equals(k.platformServiceAccount()))
        .map(
            k ->
                " (from "
                    + k.createdServiceAccount()
                    + "), while job pods follow "
                    + k.jobServiceAccount()
                    + ": one was changed without the other")
        .orElse("");
  }

  /** The chart's ServiceAccount is a Helm hook, or at least Helm-managed. */
  private static boolean createdByChart(ServiceAccount account) {
    Map<String, String> annotations = account.getMetadata().getAnnotations();
    Map<String, String> labels = account.getMetadata().getLabels();
    return (annotations != null && annotations.containsKey("helm.sh/hook"))
        || (labels != null && "Helm".equals(labels.get("app.kubernetes.io/managed-by")));
  }

  private static String launcherServiceAccount(Workload launcher) {
    var spec = launcher.deployment().getSpec();
    if (spec == null || spec.getTemplate() == null || spec.getTemplate().getSpec() == null) {
      return "";
    }
    String account = spec.getTemplate().getSpec().getServiceAccountName();
    return account == null ? "" : account;
  }

  private static String quoted(List<String> names) {
    return String.join(" or ", names.stream().map(n -> "'" + n + "'").toList());
  }

  private static Map<String, Object> evidence(AirbyteInstall install, EnvValue value) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("serviceAccount", install.jobServiceAccount());
    evidence.put("namespace", install.jobNamespace());
    evidence.put("origin", value.origin());
    evidence.put("chart", install.chart().name().toLowerCase(Locale.ROOT));
    return evidence;
  }
}
