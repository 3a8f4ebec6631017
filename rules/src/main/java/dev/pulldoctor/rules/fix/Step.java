package dev.pulldoctor.rules.fix;

import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.rbac.Permission;
import dev.pulldoctor.rules.rbac.ServiceAccountUser;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link Fix}, as data: what to change, not how to say it ({@link Commands} renders
 * it, {@link Replay} applies it to a snapshot). No step deletes anything.
 */
public sealed interface Step {

  /**
   * Whether {@link Replay} can apply the step to a snapshot: a step on the cluster's objects can.
   * Steps done outside the cluster (a Helm values change that repeats a cluster step, a push to a
   * registry, a cloud IAM grant) override this to say they cannot, and a replay says which remain.
   */
  default boolean replayable() {
    return true;
  }

  /**
   * {@code kubectl set env deployment/D NAME=value}: the variable set to a literal value in every
   * container of the pod template (what kubectl does without {@code -c}), replacing any {@code
   * valueFrom}.
   */
  record SetEnv(ObjectRef deployment, String name, String value) implements Step {
    public SetEnv {
      Objects.requireNonNull(deployment, "deployment");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code kubectl set env deployment/D NAME-}: the variable removed from every container. */
  record UnsetEnv(ObjectRef deployment, String name) implements Step {}

  /**
   * {@code kubectl create secret docker-registry}: a pull secret for {@code server}, the
   * credentials left for the user to type (pulldoctor never writes secret data).
   *
   * @param username the user name when it is known (e.g. {@code AWS} for ECR), else null for a
   *     placeholder
   * @param passwordCommand a command that prints the password (e.g. {@code aws ecr
   *     get-login-password --region <region>}), else null for a placeholder
   * @param replaceExisting the secret exists and is written over in place ({@code --dry-run=client
   *     -o yaml | kubectl apply -f -}, a patch: nothing is deleted, and pods keep naming it)
   */
  record CreatePullSecret(
      String namespace,
      String name,
      String server,
      @Nullable String username,
      @Nullable String passwordCommand,
      boolean replaceExisting)
      implements Step {

    public CreatePullSecret(String namespace, String name, String server) {
      this(namespace, name, server, null, null, false);
    }
  }

  /** A Role granting {@code permissions} and a RoleBinding of it to {@code account}. */
  record GrantPermissions(
      String namespace, String name, ServiceAccountUser account, List<Permission> permissions)
      implements Step {
    public GrantPermissions {
      permissions = List.copyOf(permissions);
    }
  }

  /** {@code kubectl create serviceaccount}. */
  record CreateServiceAccount(String namespace, String name) implements Step {}

  /** {@code kubectl rollout restart}: new pods with the deployment's current template. */
  record RestartDeployment(ObjectRef deployment) implements Step {}

  /** {@code kind load docker-image IMAGE -n CLUSTER}: the image onto every node of the cluster. */
  record LoadKindImage(String cluster, String image) implements Step {}

  /**
   * The Helm values that make a cluster step survive the next {@code helm upgrade} (or {@code abctl
   * local install}): outside the snapshot, so not replayed; the cluster step it repeats is.
   *
   * @param values dotted key → value, in order
   * @param abctl whether abctl owns the release (the values go in abctl's values file)
   * @param note a remark shown as prose before the command, or null
   */
  record SetHelmValues(
      String release,
      String namespace,
      String chartReference,
      Map<String, String> values,
      boolean abctl,
      @Nullable String note)
      implements Step {
    public SetHelmValues {
      values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    @Override
    public boolean replayable() {
      return false;
    }
  }

  /**
   * What only a person can do (push an image, grant a cloud identity, edit an external system), as
   * text with the real names; {@code command} is a shell command when there is one.
   */
  record Manual(String text, @Nullable String command) implements Step {
    @Override
    public boolean replayable() {
      return false;
    }
  }
}
