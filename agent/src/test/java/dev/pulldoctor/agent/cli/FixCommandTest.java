package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pulldoctor fix} against fabric8's mock API server, seeded with the examples: printing a
 * plan writes nothing; applying it changes only the fields the plan names and clears what it
 * claims; an object that moved since the diagnosis stops it before anything changes; credentials
 * from --docker-config reach the new secret and nothing else.
 */
class FixCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CLAIM = Pattern.compile("(?m)^# \\d+\\. (\\S+) \\((fail|warn)\\)");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {"abctl-missing-pull-secret", "space-padded-secret-list", "worker-env-on-1x"})
  void applying_changes_only_what_the_plan_names_and_clears_what_it_claims(String example)
      throws Exception {
    try (MockApi api = MockApi.start().seed(Path.of(CliRun.example(example)))) {
      String kubeconfig = api.kubeconfig(dir).toString();
      Map<String, JsonNode> before = objects(api);
      CliRun plan = CliRun.of("fix", "--kubeconfig", kubeconfig, "--offline");
      assertThat(plan.err()).doesNotContain("internal error");
      List<String> claimed = claims(plan.out());

      CliRun applied =
          CliRun.of(
              "fix", "--kubeconfig", kubeconfig, "--offline", "--apply", "--yes", "--wait", "0s");

      assertThat(applied.exitCode()).as(applied.err()).isIn(0, 1);
      assertThat(applied.out())
          .contains(
              claimed.isEmpty()
                  ? "Nothing in the plan can be applied inside the cluster."
                  : "Applied ");
      Map<String, JsonNode> after = objects(api);
      for (Map.Entry<String, JsonNode> entry : before.entrySet()) {
        JsonNode now = after.get(entry.getKey());
        assertThat(now).as("%s was deleted", entry.getKey()).isNotNull();
        assertThat(withoutPlannedFields(now))
            .as("%s changed outside the plan's fields", entry.getKey())
            .isEqualTo(withoutPlannedFields(entry.getValue()));
      }
      assertThat(after.keySet())
          .as("only new ServiceAccounts, Roles, RoleBindings and Secrets")
          .allMatch(
              key ->
                  before.containsKey(key)
                      || key.startsWith("ServiceAccount/")
                      || key.startsWith("Role/")
                      || key.startsWith("RoleBinding/")
                      || key.startsWith("Secret/"));
      actAsControllers(api);
      CliRun diagnosis =
          CliRun.of("diagnose", "--kubeconfig", kubeconfig, "--offline", "-o", "json");
      JsonNode report = JSON.readTree(diagnosis.out());
      for (JsonNode result : report.path("results")) {
        if (result.path("status").asText().equals("fail")) {
          assertThat(claimed)
              .as("the plan claimed %s, which still fails: %s", result.path("rule"), result)
              .doesNotContain(result.path("rule").asText());
        }
      }
    }
  }

  @Test
  void printing_a_plan_in_any_format_writes_nothing() throws Exception {
    try (MockApi api = MockApi.start().seed(Path.of(CliRun.example("space-padded-secret-list")))) {
      String kubeconfig = api.kubeconfig(dir).toString();
      int seeded = api.writes().size();
      for (String format : List.of("sh", "yaml", "values")) {
        CliRun run = CliRun.of("fix", "--kubeconfig", kubeconfig, "--offline", "-o", format);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isNotBlank();
      }
      assertThat(api.writes()).hasSize(seeded);
    }
  }

  @Test
  void an_object_that_moved_since_the_diagnosis_stops_the_plan_before_anything_changes()
      throws Exception {
    try (MockApi api = MockApi.start().seed(Path.of(CliRun.example("space-padded-secret-list")))) {
      String kubeconfig = api.kubeconfig(dir).toString();
      // The diagnosis reads the deployments as they were; meanwhile someone edits the launcher.
      String asDiagnosed =
          JSON.writeValueAsString(api.client.apps().deployments().inNamespace("airbyte").list());
      api.client
          .apps()
          .deployments()
          .inNamespace("airbyte")
          .withName("airbyte-workload-launcher")
          .edit(
              d -> {
                d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv()
                    .add(new EnvVar("LOG_LEVEL", "DEBUG", null));
                return d;
              });
      Deployment edited = launcher(api);
      api.fault(
          request ->
              MockApi.isList(request, "deployments") ? MockApi.json(200, asDiagnosed) : null);
      int seeded = api.writes().size();

      CliRun run =
          CliRun.of(
              "fix", "--kubeconfig", kubeconfig, "--offline", "--apply", "--yes", "--wait", "0s");

      assertThat(run.exitCode()).isEqualTo(4);
      assertThat(run.err())
          .contains("Deployment airbyte/airbyte-workload-launcher")
          .contains("changed since the diagnosis")
          .contains("Nothing was changed");
      assertThat(api.writes().subList(seeded, api.writes().size()))
          .allMatch(w -> w.contains("dryRun=All"));
      api.fault(request -> null);
      assertThat(launcher(api).getSpec()).isEqualTo(edited.getSpec());
    }
  }

  @Test
  void credentials_from_docker_config_reach_only_the_new_secret() throws Exception {
    String password = "canary-Pa55w0rd-7f3e";
    String auth =
        Base64.getEncoder().encodeToString(("robot:" + password).getBytes(StandardCharsets.UTF_8));
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        "{\"auths\":{\"ghcr.io\":{\"auth\":\""
            + auth
            + "\"},\"other.example.com\":{\"auth\":\"b3RoZXI6c2VjcmV0\"}}}");
    try (MockApi api = MockApi.start().seed(Path.of(CliRun.example("abctl-missing-pull-secret")))) {
      // Without the near-miss secret, the plan creates the missing one.
      api.client.secrets().inNamespace("airbyte-abctl").withName("ghcr-cred").delete();
      String kubeconfig = api.kubeconfig(dir).toString();
      List<CliRun> runs = new ArrayList<>();
      ByteArrayOutputStream logs = new ByteArrayOutputStream();
      PrintStream stderr = System.err;
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try {
        for (String format : List.of("sh", "yaml", "values")) {
          runs.add(
              CliRun.of(
                  "fix",
                  "--kubeconfig",
                  kubeconfig,
                  "--offline",
                  "-o",
                  format,
                  "--docker-config",
                  config.toString()));
        }
        runs.add(
            CliRun.of(
                "fix",
                "--kubeconfig",
                kubeconfig,
                "--offline",
                "--apply",
                "--yes",
                "--wait",
                "0s",
                "--docker-config",
                config.toString(),
                "--log-level",
                "debug"));
      } finally {
        System.setErr(stderr);
      }

      for (CliRun run : runs) {
        assertThat(run.out() + run.err() + logs)
            .doesNotContain(password)
            .doesNotContain(auth)
            .doesNotContain("b3RoZXI6c2VjcmV0");
      }
      assertThat(runs.get(3).out()).contains("Secret airbyte-abctl/ghcr-creds");
      Secret created =
          api.client.secrets().inNamespace("airbyte-abctl").withName("ghcr-creds").get();
      assertThat(created.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
      JsonNode written =
          JSON.readTree(Base64.getDecoder().decode(created.getData().get(".dockerconfigjson")));
      assertThat(written.path("auths").fieldNames()).toIterable().containsExactly("ghcr.io");
      assertThat(written.at("/auths/ghcr.io/auth").asText()).isEqualTo(auth);
    }
  }

  @Test
  void apply_refuses_files_and_bundles_and_a_config_without_entries() throws Exception {
    CliRun manifests =
        CliRun.of(
            "fix", "--manifests", CliRun.example("space-padded-secret-list"), "--apply", "--yes");
    assertThat(manifests.exitCode()).isEqualTo(2);
    assertThat(manifests.err()).contains("--apply changes a live cluster");

    Path empty = dir.resolve("config.json");
    Files.writeString(empty, "{\"credsStore\":\"desktop\"}");
    CliRun config =
        CliRun.of(
            "fix",
            "--manifests",
            CliRun.example("space-padded-secret-list"),
            "--docker-config",
            empty.toString());
    assertThat(config.exitCode()).isEqualTo(2);
    assertThat(config.err()).contains(empty.toString()).contains("no \"auths\" entries");
  }

  /**
   * What a cluster does next and the mock API cannot: the deployment controller replaces the pods
   * of a changed template, and Airbyte deletes the job pods of the attempts that failed before the
   * change (the plan's replay assumes both).
   */
  private static void actAsControllers(MockApi api) {
    api.client.pods().inAnyNamespace().withLabel("airbyte", "job-pod").delete();
    for (Deployment deployment :
        api.client.apps().deployments().inAnyNamespace().list().getItems()) {
      Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
      for (var pod :
          api.client
              .pods()
              .inNamespace(deployment.getMetadata().getNamespace())
              .withLabels(selector)
              .list()
              .getItems()) {
        api.client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .edit(
                p -> {
                  p.setSpec(deployment.getSpec().getTemplate().getSpec());
                  return p;
                });
      }
    }
  }

  /** The rules the plan claims to clear, from the numbered headings of its script. */
  private static List<String> claims(String script) {
    List<String> rules = new ArrayList<>();
    Matcher m = CLAIM.matcher(script);
    while (m.find()) {
      rules.add(m.group(1));
    }
    return rules;
  }

  private static Deployment launcher(MockApi api) {
    return api.client
        .apps()
        .deployments()
        .inNamespace("airbyte")
        .withName("airbyte-workload-launcher")
        .get();
  }

  /** Every Deployment, ServiceAccount, Role, RoleBinding and Secret, by kind/namespace/name. */
  private static Map<String, JsonNode> objects(MockApi api) {
    Map<String, JsonNode> objects = new TreeMap<>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(api.client.apps().deployments().inAnyNamespace().list().getItems());
    all.addAll(api.client.serviceAccounts().inAnyNamespace().list().getItems());
    all.addAll(api.client.rbac().roles().inAnyNamespace().list().getItems());
    all.addAll(api.client.rbac().roleBindings().inAnyNamespace().list().getItems());
    all.addAll(api.client.secrets().inAnyNamespace().list().getItems());
    for (HasMetadata object : all) {
      objects.put(
          object.getKind()
              + "/"
              + object.getMetadata().getNamespace()
              + "/"
              + object.getMetadata().getName(),
          JSON.valueToTree(object));
    }
    return objects;
  }

  /**
   * The object without what a plan may change (containers' env, the restart annotation) and what
   * the API server changes with any write (resourceVersion, generation, managed fields).
   */
  private static JsonNode withoutPlannedFields(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    ObjectNode metadata = (ObjectNode) copy.path("metadata");
    metadata.remove(List.of("resourceVersion", "generation", "managedFields"));
    JsonNode containers = copy.at("/spec/template/spec/containers");
    if (containers instanceof ArrayNode array) {
      array.forEach(c -> ((ObjectNode) c).remove("env"));
    }
    JsonNode annotations = copy.at("/spec/template/metadata/annotations");
    if (annotations instanceof ObjectNode a) {
      a.remove("kubectl.kubernetes.io/restartedAt");
      if (a.isEmpty()) {
        ((ObjectNode) copy.at("/spec/template/metadata")).remove("annotations");
      }
    }
    return copy;
  }
}
