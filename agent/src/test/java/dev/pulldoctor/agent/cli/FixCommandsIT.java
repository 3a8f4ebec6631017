package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.render.FixBlocks;
import dev.pulldoctor.agent.render.PlanObjects;
import dev.pulldoctor.agent.render.PlanScript;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.Fixture;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.FixPlan;
import dev.pulldoctor.rules.engine.FixPlanner;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.rbac.Permission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command pulldoctor prints in a fix, for every rule fixture, bundled example and render of
 * Airbyte's charts, runs through bash and the real tools, offline: {@code kubectl set env} on the
 * deployment's YAML ({@code --local}), {@code kubectl create … --dry-run=client}, the Role heredoc
 * decoded as Kubernetes objects, {@code helm upgrade}'s values through {@code helm template} of a
 * chart that echoes them, commands that need a server parsed by kubectl up to the connection. Each
 * check also asserts the effect: the variable, secret, grant or value the step names is what the
 * tool produced, so quoting and escaping cannot silently change a name.
 */
@ExtendWith(ProcessLeakCheck.class)
class FixCommandsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir static Path dir;
  private static Path capture;
  private static Path chart;
  private static Map<String, String> env;

  @BeforeAll
  static void shims() throws IOException {
    Path kubectl = Binaries.require("kubectl");
    Path helm = Binaries.require("helm");
    capture = Files.createDirectories(dir.resolve("capture"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    chart = Files.createDirectories(dir.resolve("values-echo/templates")).getParent();
    Files.writeString(
        chart.resolve("Chart.yaml"), "apiVersion: v2\nname: values-echo\nversion: 0.1.0\n");
    Files.writeString(
        chart.resolve("templates/values.yaml"),
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: values
        data:
          values.json: {{ toJson .Values | quote }}
        """);
    Path kubeconfig =
        Kubeconfig.of(Kubeconfig.UNREACHABLE)
            .name("c")
            .token("t")
            .writeTo(dir.resolve("unreachable.kubeconfig"));
    // kubectl: set env on the deployment's YAML, create as a client-side dry run, apply -f -
    // captured, anything else parsed against a server that refuses connections.
    shim(
        bin.resolve("kubectl"),
        """
        #!/usr/bin/env bash
        set -u
        if [ "$1 $2" = "set env" ]; then
          shift 2; target=$1; shift
          name=${target#deployment/}
          args=(); while [ $# -gt 0 ]; do case $1 in -n) shift 2;; *) args+=("$1"); shift;; esac; done
          exec "$REAL_KUBECTL" set env -f "$CAPTURE/$name.deployment.yaml" --local -o json "${args[@]}" > "$CAPTURE/out.json"
        fi
        if [ "$1" = create ]; then
          case " $* " in *" --dry-run=client "*) exec "$REAL_KUBECTL" "$@";; esac
          exec "$REAL_KUBECTL" "$@" --dry-run=client -o json > "$CAPTURE/out.json"
        fi
        if [ "$1 $2 $3" = "apply -f -" ]; then cat > "$CAPTURE/applied.yaml"; exit 0; fi
        KUBECONFIG="$UNREACHABLE" "$REAL_KUBECTL" "$@" --request-timeout=2s 2> "$CAPTURE/err.txt"
        exit 0
        """);
    shim(
        bin.resolve("helm"),
        """
        #!/usr/bin/env bash
        set -u
        [ "$1" = upgrade ] || { echo "unexpected helm $1" >&2; exit 2; }
        release=$2; shift 3
        args=(); for a in "$@"; do [ "$a" = --reuse-values ] || args+=("$a"); done
        exec "$REAL_HELM" template "$release" "$CHART" "${args[@]}" > "$CAPTURE/out.yaml"
        """);
    shim(
        bin.resolve("kind"),
        "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$CAPTURE/kind.txt\"\n");
    // Password commands run as the user's shell would run them; the clouds' CLIs print a token.
    shim(bin.resolve("aws"), "#!/usr/bin/env bash\necho not-a-real-ecr-token\n");
    shim(bin.resolve("gcloud"), "#!/usr/bin/env bash\necho not-a-real-gcp-token\n");
    env = new LinkedHashMap<>();
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("REAL_KUBECTL", kubectl.toString());
    env.put("REAL_HELM", helm.toString());
    env.put("CAPTURE", capture.toString());
    env.put("CHART", chart.toString());
    env.put("UNREACHABLE", kubeconfig.toString());
    env.put("KUBECONFIG", dir.resolve("none").toString());
  }

  @Test
  void every_printed_command_runs_in_the_real_tools_with_the_names_it_states() throws Exception {
    List<Step> steps = new ArrayList<>();
    for (Path file : Fixture.all(Path.of("../rules/src/test/resources/fixtures"))) {
      Fixture fixture = Fixture.load(file);
      steps.addAll(steps(new RuleEngine(Rules.all()).evaluate(fixture.diagnosis())));
    }
    for (List<Path> install : installs()) {
      var snapshot = new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC)).read(install, null);
      steps.addAll(
          steps(
              new RuleEngine(Rules.all()).evaluate(Diagnosis.of(snapshot, NOW, true, List.of()))));
    }
    List<Step> unique = steps.stream().distinct().toList();
    assertThat(unique).as("commands found").hasSizeGreaterThan(30);
    for (Step step : unique) {
      check(step);
    }
  }

  @Test
  void commas_spaces_quotes_and_dollars_reach_the_tools_unchanged() throws Exception {
    String hostile = "reg cred,docker$HOME,'q',\"dq\",back\\slash,$(id)";
    ObjectRef launcher = ObjectRef.of("Deployment", "airbyte", "airbyte-workload-launcher");
    List<Step> steps =
        List.of(
            new Step.SetEnv(launcher, "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", hostile),
            new Step.SetHelmValues(
                "airbyte",
                "airbyte",
                "airbyte/airbyte",
                Map.of("global.jobs.kube.main_container_image_pull_secret", hostile),
                false,
                null),
            new Step.SetHelmValues(
                "airbyte-abctl",
                "airbyte-abctl",
                "airbyte/airbyte",
                Map.of("global.jobs.kube.mainContainerImagePullSecret", hostile),
                true,
                null),
            new Step.CreatePullSecret(
                "airbyte", "regcred", "registry.example.com:5000", "us'er $x \"q\"", null, false));
    for (Step step : steps) {
      check(step);
    }
  }

  @Test
  void every_block_of_every_fix_is_a_script_bash_parses_or_yaml() throws Exception {
    List<Report> reports = new ArrayList<>();
    for (Path file : Fixture.all(Path.of("../rules/src/test/resources/fixtures"))) {
      Fixture fixture = Fixture.load(file);
      reports.add(new RuleEngine(Rules.all()).run(fixture.diagnosis(), NOW));
    }
    for (List<Path> install : installs()) {
      var snapshot = new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC)).read(install, null);
      reports.add(
          new RuleEngine(Rules.all()).run(Diagnosis.of(snapshot, NOW, true, List.of()), NOW));
    }
    Set<FixBlocks.Block> blocks = new LinkedHashSet<>();
    for (Report report : reports) {
      for (Result result : report.results()) {
        if (result.fix() != null) {
          blocks.addAll(FixBlocks.of(result.fix()));
        }
      }
    }
    assertThat(blocks.stream().filter(b -> "sh".equals(b.language()))).hasSizeGreaterThan(50);
    for (FixBlocks.Block block : blocks) {
      if ("sh".equals(block.language())) {
        bashSyntax(String.valueOf(block.code()));
        assertThat(commandWords(String.valueOf(block.code())))
            .as("a line of this block is not a command: %s", block)
            .allMatch(TOOLS::contains);
      } else if ("yaml".equals(block.language())) {
        assertThat(YAML.readTree(String.valueOf(block.code())).isObject())
            .as(block.code())
            .isTrue();
      }
    }
  }

  @Test
  void every_fix_plan_is_a_script_bash_parses_and_objects_kubernetes_reads() throws Exception {
    List<Diagnosis> diagnoses = new ArrayList<>();
    for (Path file : Fixture.all(Path.of("../rules/src/test/resources/fixtures"))) {
      diagnoses.add(Fixture.load(file).diagnosis());
    }
    for (List<Path> install : installs()) {
      var snapshot = new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC)).read(install, null);
      diagnoses.add(Diagnosis.of(snapshot, NOW, true, List.of()));
    }
    int planned = 0;
    for (Diagnosis diagnosis : diagnoses) {
      FixPlan plan = new FixPlanner(new RuleEngine(Rules.all())).plan(diagnosis, NOW);
      planned += plan.entries().isEmpty() ? 0 : 1;
      String script = PlanScript.render(plan, "test");
      bashSyntax(script);
      assertThat(commandWords(script))
          .as(script)
          .allMatch(w -> TOOLS.contains(w) || w.equals("set"));
      List<String> documents = List.of(DOCUMENT.split(PlanObjects.render(plan), -1));
      for (String document : documents.subList(1, documents.size())) {
        HasMetadata object = KUBE.unmarshal(document, HasMetadata.class);
        assertThat(object.getMetadata().getName()).as(document).isNotBlank();
        assertThat(object.getKind()).as(document).isNotBlank();
      }
    }
    assertThat(planned).as("fixtures with a plan").isGreaterThan(40);
  }

  private static final java.util.regex.Pattern DOCUMENT =
      java.util.regex.Pattern.compile("(?m)^---\n");

  /** What the fixes run; a line starting with anything else is prose in a script. */
  private static final Set<String> TOOLS =
      Set.of(
          "kubectl",
          "helm",
          "kind",
          "docker",
          "aws",
          "gcloud",
          "az",
          "curl",
          "pulldoctor",
          "abctl");

  /**
   * The first word of each line that bash reads as a command (heredoc bodies and comments skipped).
   */
  private static List<String> commandWords(String script) {
    List<String> words = new ArrayList<>();
    String heredocEnd = null;
    for (String line : script.split("\n", -1)) {
      if (heredocEnd != null) {
        if (line.equals(heredocEnd)) {
          heredocEnd = null;
        }
        continue;
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      words.add(trimmed.split(" ", 2)[0]);
      int heredoc = line.indexOf("<<'");
      if (heredoc >= 0) {
        heredocEnd = line.substring(heredoc + 3, line.indexOf('\'', heredoc + 3));
      }
    }
    return words;
  }

  private static void check(Step step) throws Exception {
    String command = Commands.render(step);
    if (step instanceof Step.SetEnv set) {
      run(command, set.deployment().name());
      JsonNode env =
          JSON.readTree(capture.resolve("out.json").toFile())
              .at("/spec/template/spec/containers/0/env");
      assertThat(value(env, set.name())).as(command).isEqualTo(set.value());
    } else if (step instanceof Step.UnsetEnv unset) {
      run(command, unset.deployment().name());
      JsonNode env =
          JSON.readTree(capture.resolve("out.json").toFile())
              .at("/spec/template/spec/containers/0/env");
      assertThat(value(env, unset.name())).as(command).isNull();
    } else if (step instanceof Step.CreatePullSecret create) {
      run(command, null);
      Path written =
          create.replaceExisting() ? capture.resolve("applied.yaml") : capture.resolve("out.json");
      JsonNode secret = YAML.readTree(written.toFile());
      assertThat(secret.at("/metadata/name").asText()).as(command).isEqualTo(create.name());
      assertThat(secret.at("/metadata/namespace").asText())
          .as(command)
          .isEqualTo(create.namespace());
      JsonNode config =
          JSON.readTree(Base64.getDecoder().decode(secret.at("/data/.dockerconfigjson").asText()));
      assertThat(config.path("auths").has(create.server())).as(command).isTrue();
      if (create.username() != null) {
        assertThat(config.path("auths").path(create.server()).path("username").asText())
            .as(command)
            .isEqualTo(create.username());
      }
    } else if (step instanceof Step.GrantPermissions grant) {
      run(command, null);
      List<HasMetadata> objects = KUBE.unmarshal(Files.readString(capture.resolve("applied.yaml")));
      Role role = (Role) objects.get(0);
      RoleBinding binding = (RoleBinding) objects.get(1);
      assertThat(role.getMetadata().getName()).isEqualTo(grant.name());
      for (Permission p : grant.permissions()) {
        assertThat(role.getRules())
            .as(command)
            .anyMatch(
                r ->
                    r.getApiGroups().contains(p.group())
                        && r.getResources().contains(p.resource())
                        && r.getVerbs().contains(p.verb()));
      }
      assertThat(binding.getSubjects().get(0).getName()).isEqualTo(grant.account().name());
      assertParsedUpToTheConnection(command);
    } else if (step instanceof Step.CreateServiceAccount create) {
      run(command, null);
      JsonNode account = JSON.readTree(capture.resolve("out.json").toFile());
      assertThat(account.at("/metadata/name").asText()).as(command).isEqualTo(create.name());
    } else if (step instanceof Step.RestartDeployment) {
      run(command, null);
      assertParsedUpToTheConnection(command);
    } else if (step instanceof Step.LoadKindImage load) {
      run(command, null);
      assertThat(Files.readAllLines(capture.resolve("kind.txt")))
          .as(command)
          .containsExactly("load", "docker-image", load.image(), "-n", load.cluster());
    } else if (step instanceof Step.SetHelmValues values && !values.abctl()) {
      run(command, null);
      JsonNode rendered =
          JSON.readTree(
              YAML.readTree(capture.resolve("out.yaml").toFile()).at("/data/values.json").asText());
      values
          .values()
          .forEach((key, value) -> assertThat(at(rendered, key)).as(command).isEqualTo(value));
    } else if (step instanceof Step.SetHelmValues values) {
      String yaml = command.substring(command.indexOf('\n') + 1, command.indexOf("and run:"));
      JsonNode file = YAML.readTree(yaml);
      values
          .values()
          .forEach((key, value) -> assertThat(at(file, key)).as(command).isEqualTo(value));
    } else if (step instanceof Step.Manual manual && manual.command() != null) {
      bashSyntax(manual.command());
    }
  }

  private static List<Step> steps(List<Result> results) {
    List<Step> steps = new ArrayList<>();
    for (Result result : results) {
      Fix fix = result.fix();
      if (fix != null) {
        steps.addAll(fix.steps());
        fix.alternatives().forEach(a -> steps.addAll(a.steps()));
      }
    }
    return steps;
  }

  private static List<List<Path>> installs() throws IOException {
    List<List<Path>> all = new ArrayList<>();
    for (String example :
        List.of(
            "healthy-private-registry",
            "abctl-missing-pull-secret",
            "worker-env-on-1x",
            "space-padded-secret-list")) {
      all.add(List.of(Path.of(CliRun.example(example))));
    }
    try (Stream<Path> cases = Files.walk(Path.of("src/test/resources/conformance/charts"), 2)) {
      for (Path dir : cases.filter(p -> Files.exists(p.resolve("expect.yaml"))).sorted().toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          all.add(
              files
                  .filter(f -> f.toString().endsWith(".yaml"))
                  .filter(f -> !f.endsWith("values.yaml") && !f.endsWith("expect.yaml"))
                  .sorted()
                  .toList());
        }
      }
    }
    return all;
  }

  /** The command run by bash with the shims first on the PATH; a failing command fails here. */
  private static void run(String command, @Nullable String deploymentName) throws Exception {
    if (deploymentName != null) {
      Files.writeString(
          capture.resolve(deploymentName + ".deployment.yaml"),
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: '"
              + deploymentName.replace("'", "''")
              + "', namespace: airbyte}\nspec:\n  selector: {matchLabels: {app: x}}\n"
              + "  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers:\n"
              + "      - name: c\n        image: x\n        env:\n"
              + "        - {name: JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET, valueFrom:"
              + " {configMapKeyRef: {name: cm, key: k}}}\n");
    }
    ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(command).isTrue();
    assertThat(process.exitValue()).as("%s\n%s", command, output).isZero();
  }

  /** kubectl parsed the command and its flags, and only then failed to reach the server. */
  private static void assertParsedUpToTheConnection(String command) throws IOException {
    String err = Files.readString(capture.resolve("err.txt"));
    assertThat(err).as(command).contains("127.0.0.1:1").doesNotContain("unknown flag");
  }

  private static void bashSyntax(String script) throws Exception {
    Process process =
        new ProcessBuilder("bash", "-n", "-c", script).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.SECONDS);
    assertThat(process.exitValue()).as("%s\n%s", script, output).isZero();
  }

  private static @Nullable String value(JsonNode env, String name) {
    for (JsonNode entry : env) {
      if (name.equals(entry.path("name").asText())) {
        return entry.path("value").asText(null);
      }
    }
    return null;
  }

  private static @Nullable String at(JsonNode root, String dottedKey) {
    JsonNode node = root;
    for (String key : dottedKey.split("\\.", -1)) {
      node = node.path(key);
    }
    return node.isMissingNode() ? null : node.asText();
  }

  private static void shim(Path file, String script) throws IOException {
    Files.writeString(file, script);
    file.toFile().setExecutable(true);
  }
}
