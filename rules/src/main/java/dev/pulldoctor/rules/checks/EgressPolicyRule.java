package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.EnvValue;
import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.ReadScope;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.LabelSelectors;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** NetworkPolicies that restrict job pods' egress: they do not block pulls, but may block DNS. */
public final class EgressPolicyRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "network.egress-policy",
          "NetworkPolicies on job pods do not affect image pulls",
          Severity.INFO,
          """
          Image pulls are made by the node: the kubelet asks the container runtime (containerd, \
          CRI-O) to pull, and the runtime connects from the node's network namespace with the \
          node's DNS resolver, not cluster DNS. A NetworkPolicy selects pods, so even a deny-all \
          egress policy on connector job pods (label airbyte=job-pod) never blocks a pull; pull \
          timeouts point at the node's firewall, proxy or routes instead. Such a policy does \
          restrict what the connector itself reaches once it runs: DNS on port 53 and the \
          source or destination hosts, and the connector-sidecar or orchestrator in the same pod \
          must reach Airbyte's workload API server. Policies are additive: traffic is allowed when \
          any policy selecting the pod allows it. A policy that leaves job pods no egress at all \
          fails every job once the image runs; one without DNS is a warning; the rest is \
          informational.\
          """,
          """
          Nothing to change for pulls. If connectors must resolve and reach their hosts, allow \
          DNS (UDP and TCP port 53) and the source/destination addresses in an egress policy for \
          pods labelled airbyte=job-pod.\
          """,
          List.of(
              "https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/kubelet/images/image_manager.go"
                  + " (the kubelet has the node's container runtime pull)",
              "docs/classify.md (network_dns: DNS failures of the node, *.svc.cluster.local"
                  + " registries)",
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/pod/Metadata.kt#L16-L17"
                  + " (label airbyte=job-pod)",
              "kubernetes.io: Network Policies"),
          List.of(ResourceKind.NETWORK_POLICIES));

  private static final String JOB_KUBE_LABELS = "JOB_KUBE_LABELS";
  private static final int DNS_PORT = 53;

  @Override
  public RuleInfo info() {
    return INFO;
  }

  /** Policies are read in the job namespace, known once there is a launcher to name it. */
  @Override
  public Optional<ReadScope> readScope(Diagnosis diagnosis) {
    return diagnosis
        .install()
        .jobLauncher()
        .map(launcher -> ReadScope.namespace(diagnosis.install().jobNamespace()));
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    String namespace = diagnosis.install().jobNamespace();
    ObjectRef subject = ObjectRef.of("Namespace", null, namespace);
    if (diagnosis.install().jobLauncher().isEmpty()) {
      return List.of(
          Result.about(
              INFO,
              Status.SKIP,
              subject,
              diagnosis.install().noLauncherExplanation()
                  + ", so the namespace of job pods is unknown (see launcher.pull-secret-env)"));
    }
    List<NetworkPolicy> policies =
        Snapshot.inNamespace(diagnosis.snapshot().networkPolicies(), namespace);
    List<Map<String, String>> jobPods = jobPodLabels(diagnosis, namespace);
    List<NetworkPolicy> restricting =
        policies.stream()
            .filter(EgressPolicyRule::restrictsEgress)
            .filter(p -> selectsAny(p.getSpec(), jobPods))
            .toList();
    if (restricting.isEmpty()) {
      return List.of(
          Result.about(
                  INFO,
                  Status.PASS,
                  subject,
                  "no NetworkPolicy restricts egress of job pods in namespace "
                      + namespace
                      + " ("
                      + policies.size()
                      + " checked); image pulls are made by the node and never pass through"
                      + " them anyway")
              .withEvidence("networkPolicies", policies.size()));
    }
    List<String> names = restricting.stream().map(p -> p.getMetadata().getName()).toList();
    boolean nothingAllowed =
        restricting.stream()
            .allMatch(p -> p.getSpec().getEgress() == null || p.getSpec().getEgress().isEmpty());
    boolean dns = restricting.stream().anyMatch(EgressPolicyRule::allowsDns);
    String lead =
        (names.size() == 1 ? "NetworkPolicy " : "NetworkPolicies ")
            + String.join(", ", names)
            + " restrict"
            + (names.size() == 1 ? "s" : "")
            + " egress of job pods (airbyte=job-pod) in namespace "
            + namespace
            + ". This does not block image pulls: the node's container runtime pulls, not the"
            + " pod. It does limit the connector's own traffic: ";
    if (nothingAllowed) {
      return List.of(
          Result.about(
                  INFO,
                  Status.FAIL,
                  subject,
                  lead
                      + "no policy allows any egress, so once the image runs the connector cannot"
                      + " resolve or reach its source or destination, and the connector-sidecar"
                      + " or orchestrator in the same pod cannot reach Airbyte's workload API"
                      + " server: every check, discover and sync job fails.")
              .withFix(allowEgress(namespace, true))
              .withEvidence("networkPolicies", names));
    }
    if (dns) {
      return List.of(
          Result.about(
                  INFO,
                  Status.PASS,
                  subject,
                  lead
                      + "DNS on port 53 is allowed; the source and destination hosts must be"
                      + " allowed too.")
              .withEvidence("networkPolicies", names));
    }
    return List.of(
        Result.about(
                INFO,
                Status.WARN,
                subject,
                lead
                    + "no egress rule allows DNS (UDP port 53), so once the image runs neither"
                    + " the connector nor its connector-sidecar can resolve host names (source,"
                    + " destination, Airbyte's workload API server).")
            .withFix(allowEgress(namespace, false))
            .withEvidence("networkPolicies", names));
  }

  /**
   * Labels of the job pods in the snapshot, plus the labels Airbyte puts on each kind of job pod
   * (airbyte-domain.md §1.7) with JOB_KUBE_LABELS, for when no job pod is running.
   */
  private static List<Map<String, String>> jobPodLabels(Diagnosis diagnosis, String namespace) {
    List<Map<String, String>> sets = new ArrayList<>();
    for (Pod pod : ImageInventory.jobPods(diagnosis.snapshot(), namespace)) {
      sets.add(pod.getMetadata().getLabels());
    }
    Map<String, String> base = new LinkedHashMap<>();
    base.put(ImageInventory.JOB_POD_LABEL, ImageInventory.JOB_POD_VALUE);
    base.put("auto_id", "00000000-0000-0000-0000-000000000000");
    base.put("job_id", "0");
    base.put("attempt_id", "0");
    base.put("workspace_id", "00000000-0000-0000-0000-000000000000");
    base.putAll(userLabels(diagnosis.install().launcherEnv(JOB_KUBE_LABELS)));
    for (String type : List.of("spec", "check", "discover", "sync")) {
      Map<String, String> labels = new LinkedHashMap<>(base);
      labels.put("job_type", type);
      if (type.equals("sync")) {
        labels.put("sync_step", "replication");
      }
      sets.add(labels);
    }
    return sets;
  }

  /** {@code k1=v1,k2=v2} as Airbyte reads JOB_KUBE_LABELS. */
  private static Map<String, String> userLabels(EnvValue value) {
    Map<String, String> labels = new LinkedHashMap<>();
    String raw = value.value();
    if (raw == null) {
      return labels;
    }
    int start = 0;
    while (start <= raw.length()) {
      int comma = raw.indexOf(',', start);
      String pair = raw.substring(start, comma < 0 ? raw.length() : comma);
      int equals = pair.indexOf('=');
      if (equals > 0) {
        labels.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    return labels;
  }

  private static boolean selectsAny(NetworkPolicySpec spec, List<Map<String, String>> pods) {
    LabelSelector selector = spec.getPodSelector();
    // podSelector is a required struct: absent in the object means {} (all pods).
    return selector == null || pods.stream().anyMatch(l -> LabelSelectors.matches(selector, l));
  }

  /**
   * Egress is restricted when policyTypes names it, or, without policyTypes, egress rules exist.
   */
  private static boolean restrictsEgress(NetworkPolicy policy) {
    NetworkPolicySpec spec = policy.getSpec();
    if (spec == null) {
      return false;
    }
    List<String> types = spec.getPolicyTypes();
    if (types != null && !types.isEmpty()) {
      return types.contains("Egress");
    }
    return spec.getEgress() != null && !spec.getEgress().isEmpty();
  }

  private static boolean allowsDns(NetworkPolicy policy) {
    List<NetworkPolicyEgressRule> rules = policy.getSpec().getEgress();
    return rules != null && rules.stream().anyMatch(EgressPolicyRule::allowsDns);
  }

  private static boolean allowsDns(NetworkPolicyEgressRule rule) {
    List<NetworkPolicyPort> ports = rule.getPorts();
    return ports == null || ports.isEmpty() || ports.stream().anyMatch(EgressPolicyRule::dnsPort);
  }

  private static boolean dnsPort(NetworkPolicyPort port) {
    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
    if (!protocol.equals("UDP")) {
      return false;
    }
    IntOrString number = port.getPort();
    if (number == null) {
      return true;
    }
    if (number.getIntVal() == null) {
      // A named port is resolved on the destination pods; it may well be DNS.
      return true;
    }
    int first = number.getIntVal();
    int last = port.getEndPort() == null ? first : port.getEndPort();
    return first <= DNS_PORT && DNS_PORT <= last;
  }

  private static Fix allowEgress(String namespace, boolean airbyte) {
    String airbyteRule =
        airbyte
            ? """
                # Airbyte's own services in this namespace (workload API server)
                - to:
                    - podSelector: {}
            """
            : "";
    String apply =
        """
        kubectl apply -n %s -f - <<'EOF'
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: %s
        spec:
          podSelector:
            matchLabels:
              airbyte: job-pod
          policyTypes: [Egress]
          egress:
            - to:
                - namespaceSelector:
                    matchLabels:
                      kubernetes.io/metadata.name: kube-system
              ports:
                - {protocol: UDP, port: 53}
                - {protocol: TCP, port: 53}
        %sEOF\
        """
            .formatted(
                Fixes.shellWord(namespace),
                airbyte ? "airbyte-job-pods-allow-egress" : "airbyte-job-pods-allow-dns",
                airbyteRule);
    return Fix.of(
        "Allow job pods DNS"
            + (airbyte ? " and Airbyte's own services" : "")
            + ", then allow the connector's source and destination hosts in the same way:",
        new Step.Manual("", apply));
  }
}
