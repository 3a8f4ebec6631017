package dev.pulldoctor.rules.fix;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.LabelSelectors;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.rbac.Permission;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Applies a fix's cluster steps to a snapshot, as the API server would have them after the commands
 * ran: what a test needs to show that a fix clears its finding and breaks nothing else, before
 * anyone runs it. Steps outside the cluster (Helm values, manual steps) are left out; {@link
 * Fix#manualSteps} names them. Pure: the snapshot given is not changed.
 */
public final class Replay {
  private static final String PLACEHOLDER_USER = "replay-user";
  private static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  private static final String PLACEHOLDER_PASSWORD = "replay-password";

  private Replay() {}

  /** The snapshot after the fix's replayable steps, in order (not its alternatives). */
  public static Snapshot apply(Snapshot snapshot, Fix fix) {
    Edit edit = new Edit(snapshot);
    for (Step step : fix.steps()) {
      apply(edit, step);
    }
    return edit.build();
  }

  private static void apply(Edit edit, Step step) {
    if (step instanceof Step.SetEnv set) {
      edit.changeDeployment(
          set.deployment(), d -> env(d, set.name(), new EnvVar(set.name(), set.value(), null)));
      edit.rollOut(set.deployment());
      edit.retireJobPods(set.name());
    } else if (step instanceof Step.UnsetEnv unset) {
      edit.changeDeployment(unset.deployment(), d -> env(d, unset.name(), null));
      edit.rollOut(unset.deployment());
      edit.retireJobPods(unset.name());
    } else if (step instanceof Step.RestartDeployment restart) {
      edit.rollOut(restart.deployment());
    } else if (step instanceof Step.CreatePullSecret create) {
      if (typeChange(edit, create)) {
        // The API server refuses it: a Secret's type cannot change after creation
        // (ValidateSecretUpdate), so the old secret stays as it was.
        return;
      }
      SecretInfo secret = pullSecret(create, edit.capturedAt);
      edit.secrets.removeIf(
          i -> i.namespace().equals(secret.namespace()) && i.name().equals(secret.name()));
      edit.secrets.add(secret);
      // The registry probe answered to the old credentials: the next run probes again.
      edit.registryObservations.clear();
    } else if (step instanceof Step.CreateServiceAccount create) {
      edit.serviceAccounts.add(
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName(create.name())
              .withNamespace(create.namespace())
              .endMetadata()
              .build());
    } else if (step instanceof Step.GrantPermissions grant) {
      edit.roles.add(role(grant));
      edit.roleBindings.add(binding(grant));
      // The API server's earlier answers about this account predate the grant.
      edit.accessReviews.removeIf(r -> r.user().equals(grant.account().username()));
    } else if (step instanceof Step.LoadKindImage load) {
      edit.nodes.replaceAll(n -> withImage(n, load.image()));
    }
    // Helm values and manual steps happen outside the cluster.
  }

  /**
   * As {@code kubectl set env}: every entry of that name removed from every container, then the new
   * one (if any) added.
   */
  private static Deployment env(
      Deployment deployment, String name, @org.jspecify.annotations.Nullable EnvVar value) {
    PodSpec spec = deployment.getSpec().getTemplate().getSpec();
    spec.getContainers()
        .forEach(
            c -> {
              List<EnvVar> env = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
              env.removeIf(e -> name.equals(e.getName()));
              if (value != null) {
                env.add(value);
              }
              c.setEnv(env);
            });
    return deployment;
  }

  private static Pod fromTemplate(Pod pod, Deployment deployment, String started) {
    PodSpec template = new DeploymentBuilder(deployment).build().getSpec().getTemplate().getSpec();
    List<ContainerStatus> statuses =
        template.getContainers().stream()
            .map(
                c ->
                    new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withReady(true)
                        .withState(
                            new ContainerStateBuilder()
                                .withNewRunning()
                                .withStartedAt(started)
                                .endRunning()
                                .build())
                        .build())
            .toList();
    return new PodBuilder(pod)
        .withSpec(template)
        .editOrNewStatus()
        .withPhase("Running")
        .withStartTime(started)
        .withContainerStatuses(statuses)
        .endStatus()
        .build();
  }

  /**
   * The secret {@code kubectl create secret docker-registry} writes, with placeholder credentials
   * (the user types the real ones), replacing one of that name.
   */
  /** Writing a pull secret over one of another type, which the API server rejects. */
  private static boolean typeChange(Edit edit, Step.CreatePullSecret create) {
    return edit.secrets.stream()
        .anyMatch(
            i ->
                i.namespace().equals(create.namespace())
                    && i.name().equals(create.name())
                    && !i.type().equals(DOCKER_CONFIG_JSON));
  }

  private static SecretInfo pullSecret(Step.CreatePullSecret create, Instant now) {
    String user = create.username() == null ? PLACEHOLDER_USER : create.username();
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + PLACEHOLDER_PASSWORD).getBytes(StandardCharsets.UTF_8));
    String config =
        "{\"auths\":{"
            + json(create.server())
            + ":{\"username\":"
            + json(user)
            + ",\"password\":\""
            + PLACEHOLDER_PASSWORD
            + "\",\"auth\":\""
            + auth
            + "\"}}}";
    return SecretInfo.from(
        new SecretBuilder()
            .withNewMetadata()
            .withName(create.name())
            .withNamespace(create.namespace())
            .withCreationTimestamp(now.toString())
            .endMetadata()
            .withType(DOCKER_CONFIG_JSON)
            .withData(
                Map.of(
                    ".dockerconfigjson",
                    Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))))
            .build());
  }

  private static Role role(Step.GrantPermissions grant) {
    RoleBuilder role =
        new RoleBuilder()
            .withNewMetadata()
            .withName(grant.name())
            .withNamespace(grant.namespace())
            .endMetadata();
    for (Permission p : grant.permissions()) {
      role.addToRules(
          new PolicyRuleBuilder()
              .withApiGroups(p.group())
              .withResources(p.resource())
              .withVerbs(p.verb())
              .build());
    }
    return role.build();
  }

  private static RoleBinding binding(Step.GrantPermissions grant) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(grant.name())
        .withNamespace(grant.namespace())
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(grant.name())
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(grant.account().name())
        .withNamespace(grant.account().namespace())
        .endSubject()
        .build();
  }

  /** The node with the image in its status, under the name kind's containerd reports. */
  private static Node withImage(Node node, String image) {
    Node copy = new NodeBuilder(node).build();
    if (copy.getStatus() == null) {
      return copy;
    }
    List<ContainerImage> images =
        new ArrayList<>(
            copy.getStatus().getImages() == null ? List.of() : copy.getStatus().getImages());
    ContainerImage loaded = new ContainerImage();
    loaded.setNames(List.of(normalised(image)));
    loaded.setSizeBytes(1L);
    images.add(loaded);
    copy.getStatus().setImages(images);
    return copy;
  }

  private static String normalised(String image) {
    return dev.pulldoctor.rules.image.ImageReference.tryParse(image)
        .map(Object::toString)
        .orElse(image);
  }

  private static boolean is(io.fabric8.kubernetes.api.model.ObjectMeta meta, ObjectRef ref) {
    return ref.name().equals(meta.getName())
        && Objects.equals(ref.namespace(), meta.getNamespace());
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** The snapshot's lists, changed step by step, then built into a new snapshot. */
  private static final class Edit {
    private final Snapshot original;
    private final Instant capturedAt;
    private final List<Deployment> deployments;
    private final List<Pod> pods;
    private final List<Event> events;
    private final List<ServiceAccount> serviceAccounts;
    private final List<SecretInfo> secrets;
    private final List<Node> nodes;
    private final List<Role> roles;
    private final List<RoleBinding> roleBindings;
    private final List<AccessReview> accessReviews;
    private final List<RegistryObservation> registryObservations;

    Edit(Snapshot s) {
      this.original = s;
      this.capturedAt = s.capturedAt();
      this.deployments = new ArrayList<>(s.deployments());
      this.pods = new ArrayList<>(s.pods());
      this.events = new ArrayList<>(s.events());
      this.serviceAccounts = new ArrayList<>(s.serviceAccounts());
      this.secrets = new ArrayList<>(s.secrets());
      this.nodes = new ArrayList<>(s.nodes());
      this.roles = new ArrayList<>(s.roles());
      this.roleBindings = new ArrayList<>(s.roleBindings());
      this.accessReviews = new ArrayList<>(s.accessReviews());
      this.registryObservations = new ArrayList<>(s.registryObservations());
    }

    void changeDeployment(ObjectRef ref, UnaryOperator<Deployment> change) {
      deployments.replaceAll(
          d -> is(d.getMetadata(), ref) ? change.apply(new DeploymentBuilder(d).build()) : d);
    }

    /**
     * A changed pod template (or a restart) rolls out: the deployment's pods are replaced by pods
     * of its current template, started just after the snapshot was taken.
     */
    void rollOut(ObjectRef ref) {
      Deployment deployment =
          deployments.stream().filter(d -> is(d.getMetadata(), ref)).findFirst().orElse(null);
      if (deployment == null
          || deployment.getSpec() == null
          || deployment.getSpec().getSelector() == null
          || deployment.getSpec().getTemplate() == null) {
        return;
      }
      LabelSelector selector = deployment.getSpec().getSelector();
      String started = capturedAt.plusSeconds(1).toString();
      pods.replaceAll(
          p ->
              Objects.equals(p.getMetadata().getNamespace(), ref.namespace())
                      && p.getMetadata().getLabels() != null
                      && LabelSelectors.matches(selector, p.getMetadata().getLabels())
                  ? fromTemplate(p, deployment, started)
                  : p);
    }

    /**
     * A change to how job pods are made (a {@code JOB_*} variable of the launcher) reaches only job
     * pods made after it. Those made before keep their spec until Airbyte deletes them when their
     * attempt ends; the replay retires them, and their events, so the rules judge what the next job
     * pod gets, not what the last one got.
     */
    void retireJobPods(String variable) {
      if (!variable.startsWith("JOB_")) {
        return;
      }
      List<String> retired = new ArrayList<>();
      pods.removeIf(
          p -> {
            Map<String, String> labels = p.getMetadata().getLabels();
            boolean job =
                labels != null
                    && ImageInventory.JOB_POD_VALUE.equals(
                        labels.get(ImageInventory.JOB_POD_LABEL));
            if (job) {
              retired.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
            }
            return job;
          });
      events.removeIf(
          e ->
              e.getInvolvedObject() != null
                  && "Pod".equals(e.getInvolvedObject().getKind())
                  && retired.contains(
                      e.getInvolvedObject().getNamespace()
                          + "/"
                          + e.getInvolvedObject().getName()));
    }

    Snapshot build() {
      Snapshot s = original;
      return new Snapshot(
          s.capturedAt(),
          s.source(),
          deployments,
          pods,
          events,
          s.configMaps(),
          serviceAccounts,
          secrets,
          s.helmReleases(),
          nodes,
          roles,
          roleBindings,
          s.clusterRoles(),
          s.clusterRoleBindings(),
          s.networkPolicies(),
          accessReviews,
          s.connectorDiscoveries(),
          registryObservations,
          s.collectionErrors());
    }
  }
}
