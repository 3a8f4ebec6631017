package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.SourceType;
import dev.pulldoctor.rules.rbac.Evaluation;
import dev.pulldoctor.rules.rbac.JobLauncherAccess;
import dev.pulldoctor.rules.rbac.JobLauncherAccess.Requirement;
import dev.pulldoctor.rules.rbac.LauncherPermissions;
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.RbacEvaluator;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service account of the job launcher may do, in the job namespace, what Airbyte's code for the
 * installed version calls ({@link LauncherPermissions}), and no more is asked of it.
 */
public final class JobLauncherRbacRule implements LauncherRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "rbac.job-launcher",
          "The job launcher's service account may create, watch and delete connector pods in the"
              + " job namespace",
          Severity.CRITICAL,
          """
          The job launcher (airbyte-workload-launcher since Airbyte 1.0, airbyte-worker before) \
          creates a pod for every connector check, discover and sync in JOB_KUBE_NAMESPACE, waits \
          for it and deletes it afterwards, using the Kubernetes API as the service account of its \
          own pod template (serviceAccountName, 'default' when unset). What it calls depends on \
          the version, read from Airbyte's source at each release tag: the workload-launcher \
          (0.63 to 2.x) creates job pods by server-side apply, an HTTP PATCH that is authorized \
          as patch and, for a new pod, also as create, and waits with list and watch; it deletes \
          pods; until 1.1 it also copied config files into the pod with kubectl cp (get on pods, \
          get and create on pods/exec); from 2.0 an hourly sweeper also gets pods. The 0.50 \
          worker created pods with a POST (create), got, listed, watched and deleted them and used \
          kubectl cp; until 0.64.4 a sync's orchestrator pod did the same as \
          JOB_KUBE_SERVICEACCOUNT. No version calls the secrets or jobs.batch APIs: the user \
          guide's sample Role asks for them, Airbyte does not need them. Airbyte's charts grant \
          all of this with Role <sa>-role and RoleBinding <sa>-binding, created as Helm \
          pre-install hooks: helm upgrade never re-creates them once deleted. A rule limited by \
          resourceNames never allows list, watch or create, and job pods get new names every \
          time; a rule on pods/log or pods/exec does not cover pods. Live, pulldoctor asks the \
          API server with a SubjectAccessReview per permission; otherwise it evaluates the Roles, \
          ClusterRoles (including aggregated ones) and bindings it read. docs/airbyte-versions.md \
          lists the permissions by version with the source lines.\
          """,
          """
          Bind a Role granting the missing permissions in the job namespace to the launcher's \
          service account; the result prints it with the real names, ready for kubectl apply.\
          """,
          List.of(
              "docs/airbyte-versions.md (what each Airbyte version calls, with links to the"
                  + " source at its release tag)",
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt",
              "https://kubernetes.io/docs/reference/access-authn-authz/rbac/ (resourceNames,"
                  + " aggregated ClusterRoles)",
              "https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access"
                  + " (SubjectAccessReview)"));

  static final String EXTRA_ROLE = "airbyte-job-launcher-extra";
  private static final String SAR_RESOURCE = "subjectaccessreviews";
  private static final Map<String, String> RBAC_KINDS =
      orderedMap(
          "roles", "Roles",
          "rolebindings", "RoleBindings",
          "clusterroles", "ClusterRoles",
          "clusterrolebindings", "ClusterRoleBindings");
  private static final List<String> RBAC_RESOURCES = List.copyOf(RBAC_KINDS.keySet());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public String withoutLauncher(AirbyteInstall install) {
    return install.noLauncherExplanation() + " (see launcher.pull-secret-env)";
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, Workload launcher) {
    AirbyteInstall install = diagnosis.install();
    return JobLauncherAccess.requirements(install).stream()
        .map(r -> check(diagnosis.snapshot(), install, launcher, r))
        .toList();
  }

  private static Result check(
      Snapshot snapshot, AirbyteInstall install, Workload launcher, Requirement requirement) {
    ServiceAccountUser account = requirement.account();
    String jobNamespace = install.jobNamespace();
    List<Permission> asked = requirement.permissions();
    Map<Permission, Boolean> live = reviews(snapshot, account, jobNamespace, asked);
    Evaluation statics = RbacEvaluator.of(snapshot).evaluate(account, jobNamespace, asked);
    List<Permission> unreviewed = asked.stream().filter(p -> !live.containsKey(p)).toList();
    Optional<CollectionError> sarError =
        snapshot.collectionErrors().stream()
            .filter(e -> e.resource().equals(SAR_RESOURCE) && e.verb().equals("create"))
            .findFirst();
    ObjectRef subject = ObjectRef.of("ServiceAccount", account.namespace(), account.name());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("serviceAccount", account.display());
    evidence.put("jobNamespace", jobNamespace);
    evidence.put("asked", asked.stream().map(Permission::display).toList());
    evidence.put(
        "basis",
        unreviewed.isEmpty()
            ? "SubjectAccessReview"
            : live.isEmpty() ? "static" : "SubjectAccessReview+static");
    sarError.ifPresent(e -> evidence.put("subjectAccessReview", e.describe()));

    if (unreviewed.stream().anyMatch(p -> !statics.allowed(p))) {
      List<CollectionError> unreadable =
          RBAC_RESOURCES.stream()
              .map(r -> snapshot.collectionError(r, jobNamespace))
              .flatMap(Optional::stream)
              .toList();
      // RBAC only adds permissions, so a grant seen is a grant; only a missing one needs the
      // objects that could not be read.
      if (!unreadable.isEmpty()) {
        return unreadable(subject, account, jobNamespace, unreadable, sarError)
            .withEvidence(evidence);
      }
      if (live.isEmpty() && noRbacObjects(snapshot)) {
        return Result.about(
                INFO,
                Status.SKIP,
                subject,
                "the input holds no Roles, RoleBindings, ClusterRoles or ClusterRoleBindings, so"
                    + " the permissions of ServiceAccount "
                    + account.display()
                    + " cannot be checked; add the output of kubectl get"
                    + " roles,rolebindings -n "
                    + Fixes.shellWord(jobNamespace)
                    + " -o yaml and kubectl get clusterroles,clusterrolebindings -o yaml")
            .withEvidence(evidence);
      }
    }

    List<LauncherPermissions.Grant> missing =
        requirement.grants().stream()
            .filter(
                g ->
                    live.containsKey(g.permission())
                        ? !live.get(g.permission())
                        : !statics.allowed(g.permission()))
            .toList();
    Answer answer =
        new Answer(
            subject,
            account,
            who(install, launcher, requirement),
            jobNamespace,
            live,
            statics,
            unreviewed,
            basis(live, unreviewed, sarError),
            evidence);
    return missing.isEmpty()
        ? pass(snapshot, install, launcher, requirement, answer)
        : fail(snapshot, install, requirement, answer, missing);
  }

  private static String who(AirbyteInstall install, Workload launcher, Requirement requirement) {
    String account = "ServiceAccount " + requirement.account().display();
    if (requirement.role() == LauncherPermissions.Account.JOB_PODS) {
      return account
          + ", which job pods run as (JOB_KUBE_SERVICEACCOUNT) and under which "
          + version(install, launcher)
          + " runs a sync's orchestrator that creates the source and destination pods,";
    }
    return account + ", which deployment " + launcher.name() + " runs as,";
  }

  /** "Airbyte 1.8.5's workload-launcher", or the component alone when the version is unknown. */
  private static String version(AirbyteInstall install, Workload launcher) {
    return install
        .version()
        .map(v -> "Airbyte " + v + "'s " + launcher.component().shortName())
        .orElse("the " + launcher.component().shortName() + " (Airbyte version unknown)");
  }

  private static Result pass(
      Snapshot snapshot,
      AirbyteInstall install,
      Workload launcher,
      Requirement requirement,
      Answer answer) {
    List<String> grantedBy =
        answer.unreviewed().isEmpty() ? List.of() : answer.statics().grantedBy();
    StringBuilder message =
        new StringBuilder(answer.who())
            .append(" may ")
            .append(Permission.sentence(requirement.permissions()))
            .append(" in namespace ")
            .append(answer.jobNamespace())
            .append(", all that ")
            .append(version(install, launcher))
            .append(" calls there");
    if (grantedBy.isEmpty()) {
      message.append(" (").append(answer.basis()).append(')');
    } else {
      message
          .append(": granted by ")
          .append(String.join(", ", grantedBy))
          .append("; ")
          .append(answer.basis());
    }
    List<String> unread =
        RBAC_RESOURCES.stream()
            .filter(r -> snapshot.collectionError(r, answer.jobNamespace()).isPresent())
            .map(RBAC_KINDS::get)
            .toList();
    if (!unread.isEmpty() && !answer.unreviewed().isEmpty()) {
      message
          .append(". ")
          .append(String.join(" and ", unread))
          .append(
              " could not be read, but RBAC only adds permissions, so they cannot take any"
                  + " away");
    }
    return Result.about(INFO, Status.PASS, answer.subject(), message.toString())
        .withEvidence(answer.evidence())
        .withEvidence("grantedBy", grantedBy);
  }

  private static Result fail(
      Snapshot snapshot,
      AirbyteInstall install,
      Requirement requirement,
      Answer answer,
      List<LauncherPermissions.Grant> missing) {
    ServiceAccountUser account = answer.account();
    boolean breaksJobs = missing.stream().anyMatch(LauncherPermissions.Grant::required);
    int asked = requirement.grants().size();
    StringBuilder message =
        new StringBuilder(answer.who())
            .append(
                missing.size() == asked
                    ? " lacks all " + asked
                    : " lacks " + missing.size() + " of the " + asked)
            .append(" permissions Airbyte uses in namespace ")
            .append(answer.jobNamespace())
            .append(": ")
            .append(
                String.join(
                    "; ",
                    missing.stream()
                        .map(g -> g.permission().display() + " (" + g.purpose() + ")")
                        .toList()))
            .append(" (")
            .append(answer.basis())
            .append(").");
    message.append(
        breaksJobs
            ? " The API server answers these calls 403 Forbidden (the launcher's log shows them),"
                + " so connector jobs fail or leave pods behind, whatever the registry would say."
            : " Connector jobs still start; only this housekeeping fails, every time it runs.");
    String jobAccount = install.jobServiceAccount();
    if (requirement.role() == LauncherPermissions.Account.LAUNCHER
        && (!jobAccount.equals(account.name())
            || !answer.jobNamespace().equals(account.namespace()))) {
      message
          .append(" Job pods run as ServiceAccount ")
          .append(jobAccount)
          .append(" (JOB_KUBE_SERVICEACCOUNT); the launcher calls the API as its own account, ")
          .append(account.name())
          .append(", which needs these permissions.");
    }
    List<String> liveOnly =
        missing.stream()
            .map(LauncherPermissions.Grant::permission)
            .filter(p -> answer.live().containsKey(p) && answer.statics().allowed(p))
            .map(Permission::display)
            .toList();
    if (!liveOnly.isEmpty()) {
      message
          .append(" The Roles and bindings read would allow ")
          .append(String.join(", ", liveOnly))
          .append(
              "; the API server's answer wins (another authorizer denies it, or RBAC changed"
                  + " since it was read).");
    }
    answer.statics().hints().forEach(h -> message.append(' ').append(h));
    List<Permission> permissions =
        missing.stream().map(LauncherPermissions.Grant::permission).toList();
    return Result.about(
            INFO, breaksJobs ? Status.FAIL : Status.WARN, answer.subject(), message.toString())
        .withFix(RbacFix.grant(snapshot, account, answer.jobNamespace(), permissions, EXTRA_ROLE))
        .withEvidence(answer.evidence())
        .withEvidence("missing", permissions.stream().map(Permission::display).toList());
  }

  /** The API server's answers for this account in the job namespace; a denial wins a tie. */
  private static Map<Permission, Boolean> reviews(
      Snapshot snapshot, ServiceAccountUser account, String namespace, List<Permission> asked) {
    Map<Permission, Boolean> answers = new LinkedHashMap<>();
    for (AccessReview review : snapshot.accessReviews()) {
      Permission permission = new Permission(review.verb(), review.group(), review.resource());
      if (review.user().equals(account.username())
          && review.namespace().equals(namespace)
          && asked.contains(permission)) {
        answers.merge(permission, review.allowed(), Boolean::logicalAnd);
      }
    }
    return answers;
  }

  private static String basis(
      Map<Permission, Boolean> live,
      List<Permission> unreviewed,
      Optional<CollectionError> sarError) {
    if (unreviewed.isEmpty()) {
      return "confirmed by SubjectAccessReview";
    }
    if (!live.isEmpty()) {
      return live.size()
          + " confirmed by SubjectAccessReview, the rest evaluated from the Roles and bindings"
          + " read";
    }
    return sarError
        .map(
            e ->
                "evaluated from the Roles and bindings read, because SubjectAccessReview was not"
                    + " possible: "
                    + e.describe())
        .orElse("evaluated from the Roles and bindings read");
  }

  private static Result unreadable(
      ObjectRef subject,
      ServiceAccountUser account,
      String jobNamespace,
      List<CollectionError> errors,
      Optional<CollectionError> sarError) {
    StringBuilder message =
        new StringBuilder("the check could not run: the permissions of ServiceAccount ")
            .append(account.display())
            .append(" cannot be evaluated because ")
            .append(String.join("; ", errors.stream().map(CollectionError::describe).toList()));
    sarError.ifPresent(
        e -> message.append(", and SubjectAccessReview was not possible: ").append(e.describe()));
    return Result.about(INFO, Status.ERROR, subject, message.toString())
        .withFix(
            Fixes.run(
                "Let pulldoctor read RBAC: grant 'list' on roles and rolebindings in the job"
                    + " namespace and on clusterroles and clusterrolebindings (API group"
                    + " rbac.authorization.k8s.io), or grant 'create' on subjectaccessreviews (API"
                    + " group authorization.k8s.io) so it can ask the API server directly. To"
                    + " check by hand:",
                "kubectl auth can-i --list -n "
                    + Fixes.shellWord(jobNamespace)
                    + " --as="
                    + Fixes.shellWord(account.username())));
  }

  private static boolean noRbacObjects(Snapshot snapshot) {
    return snapshot.source().type() == SourceType.MANIFESTS
        && snapshot.roles().isEmpty()
        && snapshot.roleBindings().isEmpty()
        && snapshot.clusterRoles().isEmpty()
        && snapshot.clusterRoleBindings().isEmpty();
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** What was found about the launcher's account, shared by the pass and fail messages. */
  private record Answer(
      ObjectRef subject,
      ServiceAccountUser account,
      String who,
      String jobNamespace,
      Map<Permission, Boolean> live,
      Evaluation statics,
      List<Permission> unreviewed,
      String basis,
      Map<String, Object> evidence) {}
}
