package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
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
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.RbacEvaluator;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service account of the job launcher may create, watch and delete connector pods, jobs and
 * secrets in the job namespace.
 */
public final class JobLauncherRbacRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "rbac.job-launcher",
          "The job launcher's service account may manage pods, secrets and jobs in the job"
              + " namespace",
          Severity.CRITICAL,
          """
          The job launcher (airbyte-workload-launcher since Airbyte 1.0, airbyte-worker before) \
          creates a pod for every connector check, discover and sync in JOB_KUBE_NAMESPACE, \
          watches it and deletes it afterwards, using the Kubernetes API as the service account \
          of its own pod template (serviceAccountName, 'default' when unset). That account needs \
          get, list, create and delete on pods and secrets, and get, list, create, delete and \
          watch on jobs.batch, in the job namespace. Both Airbyte charts grant this with Role \
          <sa>-role (apiGroups ["*"], seven verbs) and RoleBinding <sa>-binding, created as Helm \
          pre-install hooks: helm upgrade never re-creates them once deleted. The account the \
          launcher runs as can differ from JOB_KUBE_SERVICEACCOUNT, which only names the account \
          of the job pods. A rule limited by resourceNames never allows list, watch or create and \
          allows get and delete only on the named objects, while job pods get new names every \
          time; a rule on pods/log or pods/exec does not cover pods. Live, pulldoctor asks the API \
          server with a SubjectAccessReview per permission; otherwise it evaluates the Roles, \
          ClusterRoles (including aggregated ones) and bindings it read.\
          """,
          """
          Bind a Role granting the missing permissions in the job namespace to the launcher's \
          service account; the result prints it with the real names, ready for kubectl apply.\
          """,
          List.of(
              "shared/reference/airbyte-domain.md §1.4, §1.6",
              "airbytehq/airbyte-platform charts/v2/airbyte/templates/serviceaccount.yaml",
              "kubernetes.io: Using RBAC Authorization (resourceNames, aggregated ClusterRoles)",
              "kubernetes.io: SubjectAccessReview (authorization.k8s.io/v1)"));

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
  public List<Result> evaluate(Diagnosis diagnosis) {
    AirbyteInstall install = diagnosis.install();
    Optional<Workload> launcher = install.jobLauncher();
    if (launcher.isEmpty()) {
      return List.of(
          Result.of(
              INFO,
              Status.SKIP,
              null,
              null,
              "no deployment that launches job pods was found in namespace "
                  + install.namespace()
                  + " (see launcher.pull-secret-env)"));
    }
    return List.of(check(diagnosis.snapshot(), install, launcher.get()));
  }

  private static Result check(Snapshot snapshot, AirbyteInstall install, Workload launcher) {
    ServiceAccountUser account = JobLauncherAccess.launcherAccount(launcher);
    String jobNamespace = install.jobNamespace();
    List<Permission> required = JobLauncherAccess.REQUIRED;
    Map<Permission, Boolean> live = reviews(snapshot, account, jobNamespace);
    Evaluation statics = RbacEvaluator.of(snapshot).evaluate(account, jobNamespace, required);
    List<Permission> unreviewed = required.stream().filter(p -> !live.containsKey(p)).toList();
    Optional<CollectionError> sarError =
        snapshot.collectionErrors().stream()
            .filter(e -> e.resource().equals(SAR_RESOURCE) && e.verb().equals("create"))
            .findFirst();
    ObjectRef subject = ObjectRef.of("ServiceAccount", account.namespace(), account.name());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("serviceAccount", account.display());
    evidence.put("jobNamespace", jobNamespace);
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
        return Result.of(
                INFO,
                Status.SKIP,
                subject,
                null,
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

    List<Permission> missing =
        required.stream()
            .filter(p -> live.containsKey(p) ? !live.get(p) : !statics.allowed(p))
            .toList();
    Answer answer =
        new Answer(
            subject,
            account,
            "ServiceAccount "
                + account.display()
                + ", which deployment "
                + launcher.name()
                + " runs as,",
            jobNamespace,
            live,
            statics,
            unreviewed,
            basis(live, unreviewed, sarError),
            evidence);
    return missing.isEmpty() ? pass(snapshot, answer) : fail(snapshot, install, answer, missing);
  }

  private static Result pass(Snapshot snapshot, Answer answer) {
    List<String> grantedBy =
        answer.unreviewed().isEmpty() ? List.of() : answer.statics().grantedBy();
    StringBuilder message =
        new StringBuilder(answer.who())
            .append(" may get, list, create and delete pods and secrets and get, list, create,")
            .append(" delete and watch jobs.batch in namespace ")
            .append(answer.jobNamespace());
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
    return Result.of(INFO, Status.PASS, answer.subject(), null, message.toString())
        .withEvidence(answer.evidence())
        .withEvidence("grantedBy", grantedBy);
  }

  private static Result fail(
      Snapshot snapshot, AirbyteInstall install, Answer answer, List<Permission> missing) {
    ServiceAccountUser account = answer.account();
    int required = JobLauncherAccess.REQUIRED.size();
    StringBuilder message =
        new StringBuilder(answer.who())
            .append(
                missing.size() == required
                    ? " lacks all " + required
                    : " lacks " + missing.size() + " of the " + required)
            .append(" permissions the launcher needs in namespace ")
            .append(answer.jobNamespace())
            .append(": ")
            .append(String.join(", ", missing.stream().map(Permission::display).toList()))
            .append(" (")
            .append(answer.basis())
            .append(
                "). The launcher's API calls for these are answered 403 Forbidden (its log"
                    + " shows them), so connector jobs fail or leave pods behind, whatever the"
                    + " registry would say.");
    String jobAccount = install.jobServiceAccount();
    if (!jobAccount.equals(account.name()) || !answer.jobNamespace().equals(account.namespace())) {
      message
          .append(" Job pods run as ServiceAccount ")
          .append(jobAccount)
          .append(" (JOB_KUBE_SERVICEACCOUNT); the launcher calls the API as its own account, ")
          .append(account.name())
          .append(", which needs these permissions.");
    }
    List<String> liveOnly =
        missing.stream()
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
    return Result.of(INFO, Status.FAIL, answer.subject(), null, message.toString())
        .withRemediation(
            RbacFix.grant(snapshot, account, answer.jobNamespace(), missing, EXTRA_ROLE))
        .withEvidence(answer.evidence())
        .withEvidence("missing", missing.stream().map(Permission::display).toList());
  }

  /** The API server's answers for this account in the job namespace; a denial wins a tie. */
  private static Map<Permission, Boolean> reviews(
      Snapshot snapshot, ServiceAccountUser account, String namespace) {
    Map<Permission, Boolean> answers = new LinkedHashMap<>();
    for (AccessReview review : snapshot.accessReviews()) {
      Permission permission = new Permission(review.verb(), review.group(), review.resource());
      if (review.user().equals(account.username())
          && review.namespace().equals(namespace)
          && JobLauncherAccess.REQUIRED.contains(permission)) {
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
    return Result.of(INFO, Status.ERROR, subject, null, message.toString())
        .withRemediation(
            "Let pulldoctor read RBAC: grant 'list' on roles and rolebindings in the job namespace"
                + " and on clusterroles and clusterrolebindings (API group"
                + " rbac.authorization.k8s.io), or grant 'create' on subjectaccessreviews (API"
                + " group authorization.k8s.io) so it can ask the API server directly. To check by"
                + " hand: kubectl auth can-i --list -n "
                + Fixes.shellWord(jobNamespace)
                + " --as="
                + Fixes.shellWord(account.username()));
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
