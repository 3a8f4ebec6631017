package dev.pulldoctor.agent.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Sends a {@link ChangeSet}'s writes: first all of them as a server-side dry run (admission,
 * validation and every guard checked, nothing stored), then, once confirmed, for real, stopping at
 * the first the API server refuses. Every write names field manager {@code pulldoctor}. Secrets are
 * written, never read, and never shown in a diff.
 *
 * <p>Written by hand over fabric8's DSL, not {@code kubectl}: the guards are JSON patch {@code
 * test} operations built from the diagnosed objects, which no kubectl verb takes.
 */
public final class ChangeApplier {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .build();

  private final KubernetesClient client;

  public ChangeApplier(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Sends every change as a dry run; returns what would change, as a unified diff per object.
   *
   * @throws ChangeRefusedException when the API server would refuse one; nothing was changed
   */
  public String dryRun(List<ClusterChange> changes) throws ChangeRefusedException {
    StringBuilder diff = new StringBuilder();
    for (ClusterChange change : changes) {
      try {
        diff.append(diff(change, send(change, true)));
      } catch (KubernetesClientException e) {
        throw refused(change, e, 0, true);
      }
    }
    return diff.toString();
  }

  /**
   * Sends the changes in order.
   *
   * @return how many were made (all of them)
   * @throws ChangeRefusedException at the first the API server refuses; the ones before it stay
   */
  public int apply(List<ClusterChange> changes) throws ChangeRefusedException {
    int applied = 0;
    for (ClusterChange change : changes) {
      try {
        send(change, false);
      } catch (KubernetesClientException e) {
        throw refused(change, e, applied, false);
      }
      applied++;
    }
    return applied;
  }

  private HasMetadata send(ClusterChange change, boolean dryRun) {
    if (change instanceof ClusterChange.Create create) {
      // Field manager: the client's user agent, pulldoctor (fabric8 sends none with a create).
      var resource = client.resource(create.resource());
      return dryRun ? resource.dryRun().create() : resource.create();
    }
    ClusterChange.Patch patch = (ClusterChange.Patch) change;
    PatchContext context =
        new PatchContext.Builder()
            .withPatchType(PatchType.JSON)
            .withFieldManager(ChangeSet.FIELD_MANAGER)
            .withDryRun(dryRun ? List.of("All") : null)
            .build();
    String body = patch.operations().toString();
    if (patch.kind().equals("Secret")) {
      return client
          .secrets()
          .inNamespace(patch.namespace())
          .withName(patch.name())
          .patch(context, body);
    }
    return client
        .apps()
        .deployments()
        .inNamespace(patch.namespace())
        .withName(patch.name())
        .patch(context, body);
  }

  /** A unified diff of the object before and after; for a Secret, only that it is written. */
  private String diff(ClusterChange change, HasMetadata after) {
    String header = "# " + change.object() + ": " + change.description() + "\n";
    if (after instanceof Secret) {
      return header + "  (secret data is never shown)\n";
    }
    String before = "";
    if (change instanceof ClusterChange.Patch patch) {
      Deployment current =
          client.apps().deployments().inNamespace(patch.namespace()).withName(patch.name()).get();
      before = current == null ? "" : yaml(current);
    }
    List<String> beforeLines = before.isEmpty() ? List.of() : List.of(before.split("\n", -1));
    List<String> afterLines = List.of(yaml(after).split("\n", -1));
    List<String> unified =
        UnifiedDiffUtils.generateUnifiedDiff(
            change.object(),
            change.object(),
            beforeLines,
            DiffUtils.diff(beforeLines, afterLines),
            3);
    return header + String.join("\n", unified) + "\n";
  }

  /** The object as YAML without what only the API server writes. */
  private static String yaml(HasMetadata object) {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = YAML.convertValue(object, LinkedHashMap.class);
    tree.remove("status");
    Object metadata = tree.get("metadata");
    if (metadata instanceof Map<?, ?> meta) {
      for (String key :
          List.of(
              "managedFields",
              "resourceVersion",
              "generation",
              "uid",
              "creationTimestamp",
              "selfLink")) {
        meta.remove(key);
      }
    }
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ChangeRefusedException refused(
      ClusterChange change, KubernetesClientException e, int applied, boolean dryRun) {
    boolean created = change instanceof ClusterChange.Create;
    String why =
        switch (e.getCode()) {
          case 403 -> "your user may not " + (created ? "create" : "patch") + " it (RBAC)";
          case 404 -> created ? "its namespace does not exist" : "it no longer exists";
          case 409 ->
              created
                  ? "an object of that name exists already (made since the diagnosis)"
                  : "it changed since the diagnosis";
          case 422 ->
              created
                  ? "the API server finds it invalid"
                  : "it changed since the diagnosis (a guard of the patch no longer holds), or"
                      + " the change is invalid";
          default -> "the API server answered " + httpStatus(e);
        };
    return new ChangeRefusedException(
        change.object()
            + ": "
            + why
            + " ("
            + httpStatus(e)
            + (dryRun ? ", dry run" : "")
            + "). "
            + (applied == 0
                ? "Nothing was changed."
                : applied + " change(s) before it were made; run 'pulldoctor fix' again."),
        applied);
  }

  private static String httpStatus(KubernetesClientException e) {
    @Nullable String reason = e.getStatus() == null ? null : e.getStatus().getReason();
    return "HTTP " + e.getCode() + (reason == null ? "" : " " + reason);
  }
}
