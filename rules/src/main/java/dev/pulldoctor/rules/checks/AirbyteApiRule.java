package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Says whether asking Airbyte's own API for the custom connectors worked, so a reader knows which
 * images were checked before any sync ran, and why none were when it did not work.
 */
public final class AirbyteApiRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "airbyte.api",
          "Airbyte's API lists the custom connectors to check",
          Severity.INFO,
          """
          Airbyte records every connector a user added with "New connector → Add a new Docker \
          connector" as a source or destination definition with custom: true in the workspace \
          that added it. The config API lists them per workspace \
          (POST /api/v1/source_definitions/list_for_workspace and \
          /api/v1/destination_definitions/list_for_workspace); the image a job pod pulls is \
          dockerRepository:dockerImageTag after the connector image registry rewrite. Asking \
          Airbyte finds every custom connector before its first check or sync fails, not only \
          those a failing pod names. Since Airbyte 0.63.11 the API wants a bearer token, which \
          POST /api/v1/applications/token grants for an application's client id and secret; \
          abctl keeps the instance admin's in Secret airbyte-auth-secrets. The address is \
          --airbyte-url, else the <release>-airbyte-server-svc Service, reached through the \
          Kubernetes API server's service proxy.\
          """,
          """
          Pass --airbyte-url with the address of Airbyte (e.g. http://localhost:8000 for abctl, or \
          a kubectl port-forward to the airbyte-server Service), and credentials with \
          --airbyte-client-id and --airbyte-client-secret-file when Airbyte requires a login.\
          """,
          List.of(
              "https://github.com/airbytehq/airbyte-platform/blob/v2.0.0/airbyte-api/server-api/src/main/openapi/config.yaml#L5836"
                  + " (POST /api/v1/applications/token)",
              "https://docs.airbyte.com/platform/deploying-airbyte/troubleshoot-deploy (basic auth"
                  + " removed in 0.63.11)",
              "https://github.com/airbytehq/abctl/blob/v0.30.4/internal/cmd/local/credentials.go#L16-L21"
                  + " (Secret airbyte-auth-secrets)",
              "airbytehq/airbyte-platform airbyte-api/server-api/src/main/openapi/config.yaml",
              "docs/airbyte-api.md"));

  private static final String SERVER_PORT = "8001";
  private static final int SHOWN = 10;

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    List<ConnectorDiscovery> discoveries = diagnosis.snapshot().connectorDiscoveries();
    if (discoveries.isEmpty()) {
      return List.of(
          Result.of(
                  INFO,
                  Status.SKIP,
                  "Airbyte's API was not asked which custom connectors exist: no --airbyte-url was"
                      + " given and no airbyte-server Service was looked up (manifests, a bundle"
                      + " made without it, or --offline); only the images named elsewhere are"
                      + " checked")
              .withRemediation(
                  "Pass --airbyte-url http://localhost:8000 (the address you open Airbyte at) to"
                      + " check every custom connector registered in Airbyte"));
    }
    return discoveries.stream().map(AirbyteApiRule::evaluate).toList();
  }

  private static Result evaluate(ConnectorDiscovery discovery) {
    return switch (discovery.outcome()) {
      case FOUND -> found(discovery);
      case SERVER_NOT_FOUND ->
          Result.of(
                  INFO,
                  Status.SKIP,
                  "Airbyte's API was not asked for custom connectors: "
                      + detail(discovery)
                      + "; only the images named elsewhere are checked")
              .withRemediation(
                  "Pass --airbyte-url with the address you open Airbyte at (e.g."
                      + " http://localhost:8000), or -n with the namespace Airbyte runs in")
              .withEvidence("endpoint", discovery.endpoint());
      default -> failed(discovery);
    };
  }

  private static Result found(ConnectorDiscovery discovery) {
    List<CustomConnector> connectors = discovery.connectors();
    List<String> listed = new ArrayList<>();
    for (CustomConnector connector : connectors) {
      listed.add(connector.describe() + ": " + connector.image());
    }
    long definitions = connectors.stream().filter(c -> c.actor() == null).count();
    String message =
        connectors.isEmpty()
            ? "Airbyte's API at "
                + discovery.endpoint()
                + " lists no custom connector in any workspace (credentials: "
                + discovery.credentialSource()
                + ")"
            : "Airbyte's API at "
                + discovery.endpoint()
                + " lists "
                + definitions
                + (definitions == 1 ? " custom connector" : " custom connectors")
                + pinned(connectors.size() - definitions)
                + " (credentials: "
                + discovery.credentialSource()
                + "); each image is checked: "
                + String.join("; ", listed.subList(0, Math.min(listed.size(), SHOWN)))
                + (listed.size() > SHOWN ? "; and " + (listed.size() - SHOWN) + " more" : "");
    Map<String, Object> evidence = evidence(discovery);
    evidence.put("count", definitions);
    evidence.put("connectors", listed);
    return Result.of(INFO, Status.PASS, discovery.server(), null, message).withEvidence(evidence);
  }

  private static String pinned(long actors) {
    if (actors == 0) {
      return "";
    }
    return " and " + actors + (actors == 1 ? " actor" : " actors") + " pinned to other versions";
  }

  private static Result failed(ConnectorDiscovery discovery) {
    String what =
        switch (discovery.outcome()) {
          case UNREACHABLE -> "cannot reach Airbyte's API at ";
          case UNAUTHORIZED -> "Airbyte's API rejected the credentials at ";
          case FORBIDDEN -> "access to Airbyte's API is forbidden at ";
          case BAD_RESPONSE -> "unexpected answer from Airbyte's API at ";
          default -> "Airbyte's API failed at ";
        };
    String message =
        what
            + discovery.endpoint()
            + " (credentials: "
            + discovery.credentialSource()
            + "): "
            + detail(discovery)
            + ". The custom connectors registered in Airbyte were not listed, so only the images"
            + " named elsewhere are checked";
    return Result.of(INFO, Status.ERROR, discovery.server(), null, message)
        .withFix(remediation(discovery))
        .withEvidence(evidence(discovery));
  }

  private static Fix remediation(ConnectorDiscovery discovery) {
    ObjectRef server = discovery.server();
    if (server == null) {
      return switch (discovery.outcome()) {
        case UNAUTHORIZED -> credentialFix(discovery.credentialSource(), null);
        case FORBIDDEN ->
            Fix.of(
                "Use the credentials of an instance admin or of a member of the organization: pass"
                    + " --airbyte-client-id and --airbyte-client-secret-file");
        default ->
            Fix.of(
                "Check that the address is the one you open Airbyte at (e.g."
                    + " http://localhost:8000 for abctl) and that Airbyte is running");
      };
    }
    String namespace = Fixes.shellWord(Objects.requireNonNullElse(server.namespace(), ""));
    Fix portForward = portForward(server);
    return switch (discovery.outcome()) {
      case UNREACHABLE ->
          Fixes.run("Check that the Airbyte server runs:", "kubectl get pods -n " + namespace)
              .or(portForward);
      case UNAUTHORIZED -> credentialFix(discovery.credentialSource(), portForward);
      case FORBIDDEN ->
          Fix.of(
                  "Allow get on services/proxy in namespace "
                      + namespace
                      + " for your user, then run pulldoctor again")
              .or(portForward);
      default ->
          Fixes.run(
                  "Read the server's log:",
                  "kubectl logs -n "
                      + namespace
                      + " deployment/"
                      + Fixes.shellWord(serverDeployment(server.name())))
              .or(portForward);
    };
  }

  private static Fix credentialFix(String source, @Nullable Fix portForward) {
    String pass =
        "pass --airbyte-client-id ID --airbyte-client-secret-file FILE with the client id and"
            + " secret of an application (Airbyte UI: Settings → Applications; abctl local"
            + " credentials prints the instance admin's)";
    if (source.startsWith("Secret ")) {
      Fix fix =
          Fix.of(
              "The instance admin credentials in "
                  + source
                  + " are not the ones the server started with; restart the server so it reads"
                  + " them again, or "
                  + pass);
      return portForward == null
          ? fix
          : fix.or(
              Fix.of(
                  "Through the Kubernetes API proxy some versions of Airbyte only take the token as"
                      + " a bearer header, which the API server removes; "
                      + portForward.reason(),
                  portForward.steps()));
    }
    if (source.equals(ConnectorDiscovery.NO_CREDENTIALS)) {
      return Fix.of(
          "Airbyte requires a login: "
              + pass
              + ", or set AIRBYTE_CLIENT_ID and"
              + " AIRBYTE_CLIENT_SECRET");
    }
    return Fix.of("Check the client id and secret from " + source + ", or " + pass);
  }

  /** Reaching the server through a port of this machine, for --airbyte-url. */
  private static Fix portForward(ObjectRef server) {
    return Fixes.run(
        "reach the server yourself (leave this running), then pass --airbyte-url http://127.0.0.1:"
            + SERVER_PORT
            + ":",
        "kubectl port-forward -n "
            + Fixes.shellWord(Objects.requireNonNullElse(server.namespace(), ""))
            + " svc/"
            + Fixes.shellWord(server.name())
            + " "
            + SERVER_PORT
            + ":"
            + SERVER_PORT);
  }

  /** {@code <release>-airbyte-server-svc} is served by deployment {@code <release>-server}. */
  private static String serverDeployment(String service) {
    String suffix = "-airbyte-server-svc";
    return service.endsWith(suffix)
        ? service.substring(0, service.length() - suffix.length()) + "-server"
        : service;
  }

  private static String detail(ConnectorDiscovery discovery) {
    return Objects.requireNonNullElse(discovery.detail(), discovery.outcome().word());
  }

  private static Map<String, Object> evidence(ConnectorDiscovery discovery) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("endpoint", discovery.endpoint());
    evidence.put("credentialSource", discovery.credentialSource());
    evidence.put("outcome", discovery.outcome().word());
    return evidence;
  }
}
