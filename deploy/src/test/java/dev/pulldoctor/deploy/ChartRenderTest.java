package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the chart with the defaults and with every {@code ci/*-values.yaml}, loads the objects
 * into fabric8's types and checks what the chart promises (docs/deploy.md): Pod Security
 * "restricted" plus a read-only root file system, read-only RBAC, the secret access mode of the
 * values, a NetworkPolicy that never lets the agent reach cloud metadata, and the monitoring
 * objects only when asked for, with the alert rules of dashboards/.
 */
class ChartRenderTest {
  private static final Path ALERTS =
      Path.of("..", "dashboards", "prometheus", "pulldoctor-alerts.yaml");
  private static final Path DASHBOARD = Path.of("..", "dashboards", "grafana", "pulldoctor.json");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
  private static final Set<String> RESTRICTED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  static List<Path> valueSets() {
    List<Path> sets = new ArrayList<>();
    sets.add(null);
    sets.addAll(Chart.ciValues());
    return sets;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_pod_meets_pod_security_restricted_with_a_read_only_root(Path values) {
    Chart.Rendered rendered = Chart.render(values);
    List<PodSpec> pods =
        rendered.all(Deployment.class).stream()
            .map(d -> d.getSpec().getTemplate().getSpec())
            .toList();

    assertThat(pods).isNotEmpty();
    for (PodSpec pod : pods) {
      PodSecurityContext podContext =
          Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
      assertThat(pod.getHostNetwork()).isNotEqualTo(true);
      assertThat(pod.getHostPID()).isNotEqualTo(true);
      assertThat(pod.getHostIPC()).isNotEqualTo(true);
      for (Volume volume : pod.getVolumes()) {
        assertThat(volumeType(volume)).as("volume %s", volume.getName()).isIn(RESTRICTED_VOLUMES);
      }
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      for (Container container : containers) {
        SecurityContext context =
            Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
        assertThat(first(context.getRunAsNonRoot(), podContext.getRunAsNonRoot())).isTrue();
        assertThat(first(context.getRunAsUser(), podContext.getRunAsUser()))
            .isNotNull()
            .isNotZero();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getPrivileged()).isNotEqualTo(true);
        Capabilities capabilities =
            Objects.requireNonNullElseGet(context.getCapabilities(), Capabilities::new);
        assertThat(capabilities.getDrop()).contains("ALL");
        assertThat(capabilities.getAdd()).isSubsetOf("NET_BIND_SERVICE");
        String seccomp =
            context.getSeccompProfile() != null
                ? context.getSeccompProfile().getType()
                : podContext.getSeccompProfile() == null
                    ? null
                    : podContext.getSeccompProfile().getType();
        assertThat(seccomp).isIn("RuntimeDefault", "Localhost");
        assertThat(context.getReadOnlyRootFilesystem()).isTrue();
        VolumeMount tmp =
            container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/tmp"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume at /tmp"));
        assertThat(
                pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(tmp.getName()))
                    .map(Volume::getEmptyDir))
            .singleElement()
            .isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_agent_gets_small_requests_and_probes_on_healthz_and_readyz(Path values) {
    Container agent =
        Chart.render(values)
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(agent.getResources().getRequests())
        .hasEntrySatisfying("cpu", q -> assertThat(q.toString()).isEqualTo("100m"))
        .hasEntrySatisfying("memory", q -> assertThat(q.toString()).isEqualTo("256Mi"));
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(agent.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getArgs()).startsWith("serve", "--bind=0.0.0.0", "--port=8080");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void rbac_only_reads_except_access_reviews_and_the_active_pull_pods(Path values) {
    Chart.Rendered rendered = Chart.render(values);
    boolean activePull = Chart.values(values).at("/activePull/enabled").asBoolean();
    List<PolicyRule> rules = new ArrayList<>();
    rendered.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
    rendered.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));

    assertThat(rules).isNotEmpty();
    for (PolicyRule rule : rules) {
      assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs()))
          .as("no wildcard in %s", rule)
          .allSatisfy(list -> assertThat(list).doesNotContain("*"));
      List<String> writes = rule.getVerbs().stream().filter(v -> !READ_VERBS.contains(v)).toList();
      if (writes.isEmpty()) {
        continue;
      }
      if (rule.getResources().equals(List.of("subjectaccessreviews"))) {
        assertThat(rule.getApiGroups()).containsExactly("authorization.k8s.io");
        assertThat(writes).containsExactly("create");
      } else {
        assertThat(activePull).as("write verbs %s in %s", writes, rule).isTrue();
        assertThat(rule.getApiGroups()).containsExactly("");
        assertThat(rule.getResources()).containsExactly("pods");
        assertThat(writes).containsExactlyInAnyOrder("create", "delete");
      }
    }
    assertThat(
            rules.stream()
                .filter(r -> r.getResources().contains("pods"))
                .flatMap(r -> r.getVerbs().stream())
                .collect(Collectors.toSet()))
        .as("pod verbs")
        // The daemon lists pods once and then watches them (its informers).
        .isEqualTo(
            activePull
                ? Set.of("list", "watch", "get", "create", "delete")
                : Set.of("list", "watch"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void secret_access_is_the_mode_the_values_choose(Path values) {
    JsonNode effective = Chart.values(values);
    String mode = effective.at("/rbac/secrets/mode").asText();
    List<String> names = new ArrayList<>();
    effective.at("/rbac/secrets/names").forEach(n -> names.add(n.asText()));
    Chart.Rendered rendered = Chart.render(values);
    List<Role> roles = rendered.all(Role.class);

    assertThat(roles).isNotEmpty();
    for (Role role : roles) {
      List<PolicyRule> secretRules =
          role.getRules().stream().filter(r -> r.getResources().contains("secrets")).toList();
      switch (mode) {
        case "all" ->
            assertThat(secretRules)
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).isEmpty());
        case "names" ->
            assertThat(secretRules)
                .singleElement()
                .satisfies(r -> assertThat(r.getResourceNames()).isEqualTo(names));
        case "none" -> assertThat(secretRules).isEmpty();
        default -> throw new AssertionError("unknown mode " + mode);
      }
    }
    assertThat(rendered.all(ClusterRole.class))
        .flatExtracting(ClusterRole::getRules)
        .flatExtracting(PolicyRule::getResources)
        .doesNotContain("secrets");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_network_policy_never_lets_the_agent_reach_cloud_metadata(Path values)
      throws IOException {
    boolean enabled = Chart.values(values).at("/networkPolicy/enabled").asBoolean();
    List<NetworkPolicy> policies = Chart.render(values).all(NetworkPolicy.class);

    assertThat(policies).hasSize(enabled ? 1 : 0);
    for (NetworkPolicy policy : policies) {
      assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
      List<IPBlock> blocks =
          policy.getSpec().getEgress().stream()
              .map(NetworkPolicyEgressRule::getTo)
              .flatMap(List::stream)
              .map(NetworkPolicyPeer::getIpBlock)
              .filter(Objects::nonNull)
              .toList();
      assertThat(blocks).isNotEmpty();
      for (IPBlock block : blocks) {
        if (covers(block.getCidr(), "169.254.169.254")) {
          assertThat(block.getExcept()).as(block.getCidr()).contains("169.254.169.254/32");
          assertThat(block.getCidr()).isNotEqualTo("169.254.169.254/32");
        }
        for (String except : block.getExcept()) {
          assertThat(covers(block.getCidr(), except.substring(0, except.indexOf('/'))))
              .as("%s inside %s", except, block.getCidr())
              .isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void monitoring_objects_appear_only_when_enabled_and_carry_the_extra_labels(Path values) {
    JsonNode effective = Chart.values(values);
    Chart.Rendered rendered = Chart.render(values);

    checkOptional(
        rendered.ofKind("ServiceMonitor"), effective.at("/serviceMonitor"), "additionalLabels");
    checkOptional(
        rendered.ofKind("PrometheusRule"), effective.at("/prometheusRule"), "additionalLabels");
    List<HasMetadata> dashboards =
        rendered.all(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().endsWith("-dashboard"))
            .map(HasMetadata.class::cast)
            .toList();
    checkOptional(dashboards, effective.at("/grafanaDashboard"), "additionalLabels");
    for (HasMetadata dashboard : dashboards) {
      assertThat(dashboard.getMetadata().getLabels())
          .containsEntry(
              effective.at("/grafanaDashboard/sidecarLabel").asText(),
              effective.at("/grafanaDashboard/sidecarLabelValue").asText());
    }
  }

  @Test
  void the_prometheus_rule_holds_the_alerts_of_dashboards_with_runbook_links_on_the_chosen_base()
      throws IOException {
    Path values = Chart.DIR.resolve("ci").resolve("04-monitoring-values.yaml");
    String base = Chart.values(values).at("/prometheusRule/runbookBaseUrl").asText();
    String published = Chart.values(null).at("/prometheusRule/runbookBaseUrl").asText();
    GenericKubernetesResource rule =
        (GenericKubernetesResource)
            Chart.render(values).ofKind("PrometheusRule").stream().findFirst().orElseThrow();
    ObjectMapper json = new ObjectMapper();
    JsonNode rendered = json.valueToTree(rule.getAdditionalProperties().get("spec"));

    JsonNode expected = new YAMLMapper().readTree(ALERTS.toFile());
    List<String> links = new ArrayList<>();
    for (JsonNode group : expected.get("groups")) {
      for (JsonNode alert : group.get("rules")) {
        ObjectNode annotations = (ObjectNode) alert.get("annotations");
        String url = annotations.get("runbook_url").asText();
        assertThat(url).startsWith(published);
        annotations.put("runbook_url", base + url.substring(published.length()));
        links.add(annotations.get("runbook_url").asText());
      }
    }
    assertThat(base).startsWith("https://").isNotEqualTo(published);
    assertThat(links).contains(base + "rules.md#pullsecretexists");
    assertThat(rendered.get("groups")).isEqualTo(expected.get("groups"));
  }

  @Test
  void with_the_default_runbook_base_the_rules_are_the_alert_file_unchanged() throws IOException {
    GenericKubernetesResource rule =
        (GenericKubernetesResource)
            Chart.render(null, Map.of("prometheusRule.enabled", "true"))
                .ofKind("PrometheusRule")
                .get(0);
    JsonNode rendered = new ObjectMapper().valueToTree(rule.getAdditionalProperties().get("spec"));

    assertThat(rendered.get("groups"))
        .isEqualTo(new YAMLMapper().readTree(ALERTS.toFile()).get("groups"));
  }

  @Test
  void the_dashboard_config_map_holds_the_dashboard_of_dashboards() throws IOException {
    ConfigMap dashboard =
        Chart.render(null, Map.of("grafanaDashboard.enabled", "true")).all(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().equals(Chart.FULLNAME + "-dashboard"))
            .findFirst()
            .orElseThrow();
    ObjectMapper json = new ObjectMapper();

    assertThat(json.readTree(dashboard.getData().get("pulldoctor.json")))
        .isEqualTo(json.readTree(DASHBOARD.toFile()));
  }

  private static void checkOptional(List<HasMetadata> objects, JsonNode settings, String labels) {
    assertThat(objects).hasSize(settings.get("enabled").asBoolean() ? 1 : 0);
    for (HasMetadata object : objects) {
      settings
          .get(labels)
          .properties()
          .forEach(
              label ->
                  assertThat(object.getMetadata().getLabels())
                      .containsEntry(label.getKey(), label.getValue().asText()));
    }
  }

  private static String volumeType(Volume volume) {
    Map<String, Object> fields = new ObjectMapper().convertValue(volume, new TypeReference<>() {});
    return fields.keySet().stream().filter(k -> !k.equals("name")).findFirst().orElse("none");
  }

  private static <T> T first(T container, T pod) {
    return container != null ? container : pod;
  }

  /** Whether the CIDR block contains the address (both IPv4 or both IPv6). */
  private static boolean covers(String cidr, String address) throws IOException {
    int slash = cidr.indexOf('/');
    byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
    byte[] host = InetAddress.getByName(address).getAddress();
    if (network.length != host.length) {
      return false;
    }
    int bits = Integer.parseInt(cidr.substring(slash + 1));
    int shift = network.length * 8 - bits;
    return new BigInteger(1, network)
        .shiftRight(shift)
        .equals(new BigInteger(1, host).shiftRight(shift));
  }
}
