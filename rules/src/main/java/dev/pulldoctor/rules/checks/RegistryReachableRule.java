package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Certificate;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.StageTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of each image answers: DNS, TCP, verified TLS, and {@code GET /v2/}. */
public final class RegistryReachableRule implements TargetImagesRule {
  /**
   * The evidence key of the probe's stage timings: stage word to milliseconds (metrics read it).
   */
  public static final String TIMINGS_EVIDENCE = "timingsMs";

  static final RuleInfo INFO =
      new RuleInfo(
          "registry.reachable",
          "The image's registry answers: DNS, TCP, verified TLS and GET /v2/",
          Severity.CRITICAL,
          """
          Before any credential matters, the node must resolve the registry's name, connect to \
          its port, complete a TLS handshake with a certificate that names the host, is within its \
          validity and chains to a trusted CA, and get a registry answer to GET /v2/: 200, or 401 \
          with a WWW-Authenticate challenge (Basic or Bearer). The kubelet reports failures of \
          these steps as ErrImagePull with "no such host", "connection refused", "i/o timeout", \
          "x509: certificate ..." or a 5xx status. pulldoctor probes from where it runs (your \
          machine, or its pod in the cluster), never with certificate verification off; the \
          nodes' network, DNS, proxy and trusted CAs can differ, so a pass here is strong \
          evidence, not proof, that the nodes get through. It only contacts registries of the \
          images under diagnosis, refuses link-local and cloud-metadata addresses, and contacts \
          loopback only with --probe-allow.\
          """,
          """
          Fix the step that failed: the host name in the image reference, the registry's DNS \
          record, a firewall or egress rule, the registry's certificate (or the CA the nodes' \
          container runtime trusts), or the proxy settings.\
          """,
          List.of(
              "docs/classify.md (DNS, connection, TLS and proxy errors as the runtimes word them)",
              "docs/registry-probes.md (the safety rules, and the CVEs behind them)",
              "opencontainers/distribution-spec spec.md (GET /v2/)"));

  private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis, List<TargetImage> images) {
    List<Result> results = new ArrayList<>();
    Map<String, List<RegistryObservation>> byRegistry = new LinkedHashMap<>();
    for (TargetImage image : images) {
      Optional<RegistryObservation> observation = RegistryProbes.of(diagnosis, image);
      if (observation.isEmpty()) {
        results.add(RegistryProbes.notProbed(INFO, diagnosis, image));
      } else {
        byRegistry
            .computeIfAbsent(observation.get().registry(), r -> new ArrayList<>())
            .add(observation.get());
      }
    }
    for (List<RegistryObservation> observations : byRegistry.values()) {
      results.add(check(diagnosis, observations));
    }
    return RegistryProbes.dated(diagnosis, results);
  }

  private static Result check(Diagnosis diagnosis, List<RegistryObservation> observations) {
    RegistryObservation first = observations.get(0);
    String registry = first.registry();
    Connection connection = first.connection();
    Result result;
    if (connection.ok()) {
      result = reached(diagnosis, registry, connection);
    } else if (connection.outcome() == Outcome.REFUSED_BY_POLICY) {
      result = refused(registry, connection);
    } else {
      result = failed(registry, connection);
    }
    result =
        new Result(
                result.rule(),
                result.status(),
                result.severity(),
                null,
                first.image(),
                result.message(),
                result.remediation(),
                result.evidence(),
                result.fix())
            .withRegistry(registry)
            .withEvidence("images", observations.stream().map(RegistryObservation::image).toList())
            .withEvidence(TIMINGS_EVIDENCE, timings(connection));
    if (connection.address() != null) {
      result = result.withEvidence("address", connection.address());
    }
    if (connection.certificate() != null) {
      result = result.withEvidence("certificate", certificate(connection.certificate()));
    }
    return result;
  }

  private static Result reached(Diagnosis diagnosis, String registry, Connection connection) {
    Certificate certificate = connection.certificate();
    if (certificate != null
        && certificate.notAfter().isBefore(diagnosis.now().plus(EXPIRY_WARNING))) {
      return Result.of(
              INFO,
              Status.WARN,
              registry
                  + " answers, but its TLS certificate ("
                  + certificate.subject()
                  + ") expires on "
                  + certificate.notAfter()
                  + "; after that every pull fails with an x509 error")
          .withRemediation(
              "Renew the certificate of " + registry + " before " + certificate.notAfter() + ".")
          .withEvidence("stage", "tls");
    }
    String how =
        connection.challenge() == null
            ? "without asking for credentials"
            : "with a " + connection.challenge() + " challenge";
    return Result.of(
        INFO,
        Status.PASS,
        registry
            + " answers GET /v2/ like a registry "
            + how
            + " ("
            + connection.scheme()
            + (connection.scheme().equals("https") ? ", certificate verified" : ", plain HTTP")
            + "; "
            + describeTimings(connection.timings())
            + ")");
  }

  private static Result refused(String registry, Connection connection) {
    boolean loopback = connection.detail().contains("loopback address");
    Result result =
        Result.of(
            INFO,
            loopback ? Status.SKIP : Status.WARN,
            "pulldoctor did not contact "
                + registry
                + ": "
                + connection.detail()
                + (loopback
                    ? ""
                    : ". A registry there is unusual and may be an attempt to reach internal"
                        + " services; the nodes may still try it"));
    return loopback
        ? result.withRemediation(
            "To probe a registry on this machine's loopback (e.g. a port-forward), allow it: "
                + "pulldoctor diagnose --probe-allow 127.0.0.0/8 …")
        : result.withRemediation(
            "Check the registry host in the image reference; pulldoctor never contacts link-local"
                + " or cloud-metadata addresses.");
  }

  private static Result failed(String registry, Connection connection) {
    PullErrorCause cause = connection.cause() == null ? PullErrorCause.OTHER : connection.cause();
    String host = host(registry);
    String port = port(registry, connection.scheme());
    Fix remediation =
        switch (cause) {
          case NETWORK_DNS ->
              Fixes.run(
                  "Check the name "
                      + host
                      + ": resolve it from a node and from a pod. A registry on an internal"
                      + " domain needs a DNS server that the nodes use and that knows it. From a"
                      + " pod:",
                  "kubectl run -it --rm dnscheck --image=busybox:1.36 --restart=Never --"
                      + " nslookup "
                      + Fixes.shellWord(host));
          case NETWORK_REFUSED ->
              Fixes.run(
                  "Nothing accepts connections on "
                      + host
                      + " port "
                      + port
                      + ": check the port in the image reference and that the registry runs:",
                  "curl -v " + Fixes.shellWord(connection.scheme() + "://" + registry + "/v2/"));
          case NETWORK_TIMEOUT ->
              Fixes.run(
                  "Packets to "
                      + host
                      + " port "
                      + port
                      + " are dropped or unanswered: check firewalls, security groups and egress"
                      + " rules between the nodes and the registry. From a node:",
                  "curl -v --max-time 10 "
                      + Fixes.shellWord(connection.scheme() + "://" + registry + "/v2/"));
          case TLS ->
              Fix.of(
                  "Give "
                      + host
                      + " a certificate that names it, is valid now and chains to a public CA; or"
                      + " make the nodes' container runtime trust its CA (containerd:"
                      + " /etc/containerd/certs.d/"
                      + registry
                      + "/ca.crt). pulldoctor checks with its Java trust store: to make it trust a"
                      + " private CA, run it with"
                      + " JAVA_TOOL_OPTIONS=-Djavax.net.ssl.trustStore=FILE.");
          case PROXY ->
              Fix.of(
                  "Check HTTPS_PROXY and NO_PROXY where pulldoctor runs, and the proxy settings of"
                      + " the nodes' container runtime (e.g. a containerd systemd drop-in with"
                      + " HTTPS_PROXY and NO_PROXY): the proxy must allow CONNECT to "
                      + host
                      + ":"
                      + port
                      + ".");
          case REGISTRY_SERVER_ERROR ->
              Fix.of(
                  "The registry "
                      + registry
                      + " has a server error: check its status page or logs, and retry later.");
          default ->
              Fix.of(
                  "Check that "
                      + registry
                      + " is a container registry (the host and port in the image reference).");
        };
    return Result.of(
            INFO,
            Status.FAIL,
            "cannot reach the registry "
                + registry
                + " ("
                + (connection.stage() == null ? "?" : connection.stage().word())
                + " failed): "
                + connection.detail())
        .withFix(remediation)
        .withCause(cause)
        .withEvidence("stage", connection.stage() == null ? "" : connection.stage().word());
  }

  private static Map<String, Object> certificate(Certificate certificate) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", certificate.subject());
    out.put("issuer", certificate.issuer());
    out.put("notBefore", certificate.notBefore().toString());
    out.put("notAfter", certificate.notAfter().toString());
    out.put("names", certificate.names());
    return out;
  }

  private static Map<String, Object> timings(Connection connection) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (StageTime time : connection.timings()) {
      out.put(time.stage().word(), time.millis());
    }
    return out;
  }

  private static String describeTimings(List<StageTime> timings) {
    return String.join(
        ", ", timings.stream().map(t -> t.stage().word() + " " + t.millis() + " ms").toList());
  }

  private static String host(String registry) {
    if (registry.startsWith("[")) {
      return registry.substring(0, registry.indexOf(']') + 1);
    }
    int colon = registry.lastIndexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }

  private static String port(String registry, String scheme) {
    int bracket = registry.lastIndexOf(']');
    int colon = registry.lastIndexOf(':');
    if (colon > bracket) {
      return registry.substring(colon + 1);
    }
    return scheme.equals("http") ? "80" : "443";
  }
}
