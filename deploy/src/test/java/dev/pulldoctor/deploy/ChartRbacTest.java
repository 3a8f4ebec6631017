package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.agent.activepull.ActivePullTester;
import dev.pulldoctor.agent.cli.Main;
import dev.pulldoctor.agent.collect.ClusterCollector;
import dev.pulldoctor.agent.collect.ClusterSecrets;
import dev.pulldoctor.agent.collect.KubeClients;
import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.probe.SecretSource;
import dev.pulldoctor.agent.serve.ChangeWatcher;
import dev.pulldoctor.agent.serve.WatchTargets;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart grants exactly what the agent uses. The agent runs against fabric8's mock API server
 * holding the healthy example install, authenticated as the chart's ServiceAccount, and every
 * request is judged by the RBAC objects the chart renders ({@link RbacPolicy}, refused with 403
 * like the API server does). The agent does everything it does in a cluster: a full diagnosis
 * (collector, access reviews, Airbyte discovery with its credential lookup, registry probes), the
 * daemon's watches, the probe's read of a pull secret, and with activePull.enabled the test pod.
 * Then: no request was refused, and no granted rule went unused.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChartRbacTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "healthy-private-registry");
  private static final String IMAGE = "registry.example.com/data-team/source-acme:1.2.0";
  private static final String JOB_NAMESPACE = "airbyte-jobs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("defaults (every Secret of the namespace): nothing refused, nothing granted unused")
  void the_defaults_allow_every_request_and_grant_nothing_unused(@TempDir Path dir)
      throws Exception {
    Outcome outcome = runAgent(Map.of(), example(), dir);

    assertThat(outcome.api.refused()).isEmpty();
    assertThat(unused(outcome)).isEmpty();
    assertThat(outcome.statuses())
        .containsEntry("pullsecret.exists", "pass")
        .containsEntry("pullsecret.format", "pass")
        .containsEntry("pullsecret.registry-match", "pass")
        .containsEntry("rbac.job-launcher", "pass");
    // 403 as a word: the report also holds timestamps' nanoseconds and random fingerprint hex.
    assertThat(outcome.report.toString())
        .doesNotContain("Forbidden")
        .doesNotContainPattern("\\b403\\b");
  }

  @Test
  @DisplayName(
      "jobs in their own namespace and the active pull test: nothing refused, nothing unused")
  void a_job_namespace_and_the_active_pull_test_are_covered(@TempDir Path dir) throws Exception {
    Outcome outcome =
        runAgent(
            Map.of("airbyte.jobNamespace", JOB_NAMESPACE, "activePull.enabled", "true"),
            inJobNamespace(example()),
            dir);

    assertThat(outcome.api.refused()).isEmpty();
    assertThat(unused(outcome)).isEmpty();
    assertThat(outcome.api.log())
        .extracting(l -> l.request().verb() + " " + l.request().ruleResource())
        .contains("create pods", "get pods", "delete pods");
    assertThat(outcome.statuses())
        .containsEntry("pullsecret.exists", "pass")
        .containsEntry("pullsecret.format", "pass");
  }

  @Test
  @DisplayName(
      "only named Secrets: the one refused request is the collector's list, then it gets them by"
          + " name and every secret check runs")
  void named_secrets_are_read_by_name_and_the_checks_run(@TempDir Path dir) throws Exception {
    Outcome outcome =
        runAgent(
            Map.of(
                "rbac.secrets.mode", "names",
                "rbac.secrets.names[0]", "regcred",
                "rbac.secrets.names[1]", "airbyte-auth-secrets"),
            example(),
            dir);

    assertThat(outcome.api.refused())
        .extracting(ApiRequest::toString)
        .containsOnly("list secrets in airbyte");
    assertThat(unused(outcome)).isEmpty();
    assertThat(outcome.statuses())
        .containsEntry("pullsecret.exists", "pass")
        .containsEntry("pullsecret.format", "pass")
        .containsEntry("pullsecret.registry-match", "pass");
  }

  @Test
  @DisplayName(
      "no Secret access: only Secret requests are refused, and the secret checks say which"
          + " permission is missing")
  void without_secret_access_the_secret_checks_error_and_say_how_to_enable(@TempDir Path dir)
      throws Exception {
    Outcome outcome = runAgent(Map.of("rbac.secrets.mode", "none"), example(), dir);

    assertThat(outcome.api.refused()).isNotEmpty().allMatch(r -> r.resource().equals("secrets"));
    assertThat(unused(outcome)).isEmpty();
    assertThat(outcome.statuses())
        .containsEntry("pullsecret.exists", "error")
        .containsEntry("pullsecret.format", "error")
        .containsEntry("launcher.pull-secret-env", "pass");
    assertThat(outcome.result("pullsecret.exists").get("message").asText())
        .contains("cannot get secrets in namespace airbyte: 403 Forbidden")
        .contains("grant 'get' on 'secrets'");
  }

  /** What one run of the agent did and found. */
  private record Outcome(AuthorizingApi api, RbacPolicy policy, JsonNode report) {
    Map<String, String> statuses() {
      Map<String, String> worst = new LinkedHashMap<>();
      List<String> order = List.of("pass", "skip", "warn", "fail", "error");
      for (JsonNode result : report.get("results")) {
        worst.merge(
            result.get("rule").asText(),
            result.get("status").asText(),
            (a, b) -> order.indexOf(a) >= order.indexOf(b) ? a : b);
      }
      return worst;
    }

    JsonNode result(String rule) {
      for (JsonNode result : report.get("results")) {
        if (result.get("rule").asText().equals(rule)) {
          return result;
        }
      }
      throw new AssertionError("no result of " + rule);
    }
  }

  private static Outcome runAgent(Map<String, String> sets, List<HasMetadata> objects, Path dir)
      throws Exception {
    Chart.Rendered rendered = Chart.render(null, sets);
    RbacPolicy policy = RbacPolicy.of(rendered, Chart.NAMESPACE, Chart.FULLNAME);
    try (AuthorizingApi api = new AuthorizingApi(policy)) {
      api.seed(objects);
      Path kubeconfig = api.kubeconfig(dir);
      // The diagnosis of the daemon: collector, access reviews, Airbyte discovery (which lists
      // Services to find airbyte-server), registry probes.
      JsonNode report = diagnose(kubeconfig);
      // With an Airbyte address, as in the cluster, discovery first looks for credentials in
      // Secret airbyte-auth-secrets; nothing listens there, which only fails the API call.
      diagnose(kubeconfig, "--airbyte-url", "http://127.0.0.1:9/");
      try (KubeClients.Connection connection = KubeClients.connect(kubeconfig, null)) {
        Snapshot snapshot =
            new ClusterCollector(connection.client(), Clock.systemUTC())
                .collect(Chart.NAMESPACE, null);
        AirbyteInstall install = AirbyteInstall.from(snapshot, Chart.NAMESPACE);
        // Without Secret access every Secret watch is refused (and retried): the three by type
        // and those by name. With names only, the three by type (a list of every Secret of a
        // type is not a list of named ones); runs then read those Secrets by name.
        String mode = sets.getOrDefault("rbac.secrets.mode", "all");
        int refusedWatches =
            switch (mode) {
              case "none" -> 3 + WatchTargets.of(install).secrets().size();
              case "names" -> 3;
              default -> 0;
            };
        watchBriefly(connection, install, refusedWatches);
        readPullSecret(connection, install);
        if (sets.containsKey("activePull.enabled")) {
          new ActivePullTester(connection.client(), Duration.ofSeconds(1), Duration.ofMillis(200))
              .run(install, IMAGE);
        }
      }
      return new Outcome(api, policy, report);
    }
  }

  private static JsonNode diagnose(Path kubeconfig, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "diagnose",
                "--kubeconfig",
                kubeconfig.toString(),
                "-n",
                Chart.NAMESPACE,
                "-o",
                "json"));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertThat(exit).as("diagnose exit code; stderr: %s", err).isIn(0, 1);
    return JSON.readTree(out.toString());
  }

  /** The daemon's informers: started, watching, stopped. */
  private static void watchBriefly(
      KubeClients.Connection connection, AirbyteInstall install, int refused) {
    try (ChangeWatcher watcher = new ChangeWatcher(connection.client(), change -> {})) {
      watcher.watch(WatchTargets.of(install));
      Waits.await("the watches started")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                ChangeWatcher.Health health = watcher.health();
                assertThat(
                        health.informers() > 0 && health.watching() == health.informers() - refused)
                    .as("watching, all but %d refused: %s", refused, health)
                    .isTrue();
              });
    }
  }

  /** What the registry probe does before it logs in: get the pull secret. */
  private static void readPullSecret(KubeClients.Connection connection, AirbyteInstall install) {
    for (String name : install.jobPodPullSecrets()) {
      try {
        new ClusterSecrets(connection.client())
            .login(install.jobNamespace(), name, "registry.example.com");
      } catch (SecretSource.UnreadableException e) {
        // refused: the log shows it
      }
    }
  }

  /**
   * The grants no allowed request used, as "verb resource in namespace": each is a permission the
   * chart hands out for nothing.
   */
  private static Set<String> unused(Outcome outcome) {
    Set<String> unused = new TreeSet<>();
    for (RbacPolicy.Grant grant : outcome.policy.grants()) {
      PolicyRule rule = grant.rule();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            boolean used =
                outcome.api.log().stream()
                    .filter(AuthorizingApi.Logged::allowed)
                    .map(AuthorizingApi.Logged::request)
                    .anyMatch(
                        r ->
                            r.group().equals(group)
                                && r.ruleResource().equals(resource)
                                && r.verb().equals(verb)
                                && (grant.namespace() == null
                                    || grant.namespace().equals(r.namespace())));
            if (!used) {
              unused.add(
                  verb
                      + " "
                      + resource
                      + (grant.namespace() == null ? " (cluster)" : " in " + grant.namespace()));
            }
          }
        }
      }
    }
    return unused;
  }

  private static List<HasMetadata> example() throws Exception {
    return new ManifestReader().read(List.of(EXAMPLE)).objects();
  }

  /**
   * The example with connector pods in their own namespace: JOB_KUBE_NAMESPACE set on the launcher,
   * and the job pods, their events, the pull secret and the job ServiceAccount moved.
   */
  private static List<HasMetadata> inJobNamespace(List<HasMetadata> objects) {
    Set<String> jobPods = new TreeSet<>();
    for (HasMetadata object : objects) {
      if (object instanceof Pod pod
          && "job-pod".equals(pod.getMetadata().getLabels().get("airbyte"))) {
        jobPods.add(pod.getMetadata().getName());
        pod.getMetadata().setNamespace(JOB_NAMESPACE);
      } else if (object instanceof Deployment deployment) {
        deployment.getSpec().getTemplate().getSpec().getContainers().stream()
            .flatMap(c -> c.getEnv().stream())
            .filter(e -> e.getName().equals("JOB_KUBE_NAMESPACE"))
            .forEach(ChartRbacTest::jobNamespaceValue);
      } else if ((object instanceof Secret && object.getMetadata().getName().equals("regcred"))
          || (object instanceof ServiceAccount
              && object.getMetadata().getName().equals("airbyte-admin"))) {
        object.getMetadata().setNamespace(JOB_NAMESPACE);
      }
    }
    for (HasMetadata object : objects) {
      if (object instanceof Event event && jobPods.contains(event.getInvolvedObject().getName())) {
        event.getMetadata().setNamespace(JOB_NAMESPACE);
        event.getInvolvedObject().setNamespace(JOB_NAMESPACE);
      }
    }
    return objects;
  }

  private static void jobNamespaceValue(EnvVar env) {
    env.setValueFrom(null);
    env.setValue(JOB_NAMESPACE);
  }
}
