package dev.pulldoctor.agent.airbyte;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery from a laptop: the airbyte-server Service is found in the cluster and reached through
 * the Kubernetes API server's service proxy, with the instance admin credentials of Secret
 * airbyte-auth-secrets (abctl's names: release and namespace airbyte-abctl).
 */
@EnableKubernetesMockClient(crud = true)
class ServiceProxyDiscoveryTest {
  private static final String NS = "airbyte-abctl";
  private static final String SERVICE = "airbyte-abctl-airbyte-server-svc";
  private static final String PROXY =
      "/api/v1/namespaces/" + NS + "/services/" + SERVICE + ":http/proxy";
  private static final String CLIENT_ID = "3f0e1d2c-aaaa-4bbb-8ccc-123456789abc";
  private static final String CLIENT_SECRET = "admin-client-secret-from-abctl";
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.proxy.token";
  private static final String WORKSPACE = "b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11";
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20, 100, 10, 10);

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void seed() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(SERVICE)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(8001)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void lists_through_the_service_proxy_with_the_secret_credentials_and_a_jwt_cookie()
      throws Exception {
    authSecret();
    expectPost("/api/v1/applications/token", 200, "{\"access_token\":\"" + TOKEN + "\"}");
    expectPost(
        "/api/v1/workspaces/list_all_paginated",
        200,
        "{\"workspaces\":[{\"workspaceId\":\""
            + WORKSPACE
            + "\",\"customerId\":\"8c8f3f1e-1111-4a4a-9b9b-2c2c2c2c2c2c\",\"name\":\"Default"
            + " Workspace\",\"slug\":\"default-workspace\",\"initialSetupComplete\":true,"
            + "\"organizationId\":\"00000000-0000-0000-0000-000000000000\"}]}");
    expectPost(
        "/api/v1/source_definitions/list_for_workspace",
        200,
        "{\"sourceDefinitions\":[{\"sourceDefinitionId\":\"decd338e-5647-4c0b-adf4-da0e75f5a750\","
            + "\"name\":\"Postgres\",\"dockerRepository\":\"airbyte/source-postgres\","
            + "\"dockerImageTag\":\"3.6.28\",\"custom\":false},"
            + "{\"sourceDefinitionId\":\"6a1c0d7e-2f3b-4c5d-9e8f-7a6b5c4d3e2f\",\"name\":\"Acme"
            + " API\",\"dockerRepository\":\"ghcr.io/acme/source-acme\",\"dockerImageTag\":\"1.2.0\","
            + "\"custom\":true,\"releaseStage\":\"custom\",\"sourceType\":\"custom\"}]}");
    expectPost(
        "/api/v1/destination_definitions/list_for_workspace",
        200,
        "{\"destinationDefinitions\":[]}");
    expectPost("/api/v1/sources/list_paginated", 200, "{\"sources\":[]}");
    expectPost("/api/v1/destinations/list_paginated", 200, "{\"destinations\":[]}");

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).as(discovery.detail()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.endpoint())
        .isEqualTo("service " + NS + "/" + SERVICE + ":http through the Kubernetes API proxy");
    assertThat(discovery.credentialSource()).isEqualTo("Secret " + NS + "/airbyte-auth-secrets");
    assertThat(discovery.server()).isEqualTo(ObjectRef.of("Service", NS, SERVICE));
    assertThat(discovery.connectors())
        .containsExactly(
            new CustomConnector(
                "Acme API",
                CustomConnector.Kind.SOURCE,
                "Default Workspace",
                "ghcr.io/acme/source-acme:1.2.0",
                null));
    List<RecordedRequest> proxied = proxiedRequests();
    assertThat(proxied).extracting(RecordedRequest::getMethod).containsOnly("POST");
    RecordedRequest token = proxied.get(0);
    assertThat(token.getPath()).isEqualTo(PROXY + "/api/v1/applications/token");
    assertThat(token.getBody().readString(StandardCharsets.UTF_8))
        .contains("\"client_id\":\"" + CLIENT_ID + "\"")
        .contains("\"client_secret\":\"" + CLIENT_SECRET + "\"");
    assertThat(token.getHeader("Cookie")).isNull();
    // The API server deletes Authorization after authenticating, so the token is a cookie.
    for (RecordedRequest listing : proxied.subList(1, proxied.size())) {
      assertThat(listing.getHeader("Cookie")).isEqualTo("JWT=" + TOKEN);
      assertThat(String.valueOf(listing.getHeader("Authorization"))).doesNotContain(TOKEN);
    }
  }

  @Test
  void a_forbidden_service_proxy_is_reported_with_the_api_server_message() throws Exception {
    expectStatus(
        "/api/v1/workspaces/list_all_paginated",
        403,
        "services \""
            + SERVICE
            + "\" is forbidden: User \"dev@example.com\" cannot create resource"
            + " \"services/proxy\" in API group \"\" in the namespace \""
            + NS
            + "\"");

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).isEqualTo(Outcome.FORBIDDEN);
    assertThat(discovery.credentialSource()).isEqualTo("none");
    assertThat(discovery.detail())
        .startsWith(
            "the Kubernetes API answered 403 to POST /api/v1/workspaces/list_all_paginated"
                + " through the service proxy: services \"")
        .contains("cannot create resource \"services/proxy\"");
  }

  @Test
  void a_service_without_ready_pods_is_unreachable() throws Exception {
    expectStatus(
        "/api/v1/workspaces/list_all_paginated",
        503,
        "no endpoints available for service \"" + SERVICE + "\"");

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(discovery.detail())
        .endsWith("no endpoints available for service \"" + SERVICE + "\"");
  }

  @Test
  void a_401_from_airbyte_through_the_proxy_names_the_secret() throws Exception {
    authSecret();
    expectPost("/api/v1/applications/token", 401, "{\"message\":\"Unauthorized\"}");

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).isEqualTo(Outcome.UNAUTHORIZED);
    assertThat(discovery.detail())
        .isEqualTo(
            "POST /api/v1/applications/token answered 401 Unauthorized for the client id and"
                + " secret from Secret "
                + NS
                + "/airbyte-auth-secrets");
  }

  @Test
  void a_redirect_through_the_proxy_is_not_followed_with_the_credentials() throws Exception {
    try (FakeAirbyte elsewhere = new FakeAirbyte("id", "secret", "token")) {
      server
          .expect()
          .post()
          .withPath(PROXY + "/api/v1/workspaces/list_all_paginated")
          .andReturn(302, "")
          .withHeader("Location", elsewhere.url() + "/api/v1/workspaces/list_all_paginated")
          .always();

      ConnectorDiscovery discovery = discover();

      assertThat(discovery.outcome()).isEqualTo(Outcome.HTTP_ERROR);
      assertThat(discovery.detail()).contains("answered a redirect (302)");
      assertThat(elsewhere.requests()).isEmpty();
    }
  }

  @Test
  void no_server_service_is_a_skip_that_says_what_was_looked_for() throws Exception {
    client.services().inNamespace(NS).withName(SERVICE).delete();

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).isEqualTo(Outcome.SERVER_NOT_FOUND);
    assertThat(discovery.detail())
        .isEqualTo("no Service airbyte-abctl-airbyte-server-svc in namespace " + NS);
  }

  @Test
  void services_that_cannot_be_listed_are_forbidden() throws Exception {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/" + NS + "/services")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build())
        .always();

    ConnectorDiscovery discovery = discover();

    assertThat(discovery.outcome()).isEqualTo(Outcome.FORBIDDEN);
    assertThat(discovery.detail())
        .isEqualTo("cannot list Services in namespace " + NS + " (HTTP 403); pass --airbyte-url");
  }

  @Test
  void in_the_cluster_the_service_is_called_by_its_dns_name() throws Exception {
    ConnectorDiscovery discovery =
        new AirbyteDiscovery(Map.of(), LIMITS)
            .discover(
                new AirbyteDiscovery.Request(null, null, null), client, NS, "airbyte-abctl", true)
            .orElseThrow();

    // No cluster DNS in tests: the point is where it went, directly and not through the proxy.
    assertThat(discovery.endpoint()).isEqualTo("http://" + SERVICE + "." + NS + ".svc:8001");
    assertThat(discovery.outcome()).isNotEqualTo(Outcome.FOUND);
    assertThat(discovery.server()).isEqualTo(ObjectRef.of("Service", NS, SERVICE));
  }

  private ConnectorDiscovery discover() throws Exception {
    return new AirbyteDiscovery(Map.of(), LIMITS)
        .discover(
            new AirbyteDiscovery.Request(null, null, null), client, NS, "airbyte-abctl", false)
        .orElseThrow();
  }

  private void authSecret() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("airbyte-auth-secrets")
                .withNamespace(NS)
                .endMetadata()
                .withType("Opaque")
                .withData(
                    Map.of(
                        "instance-admin-client-id", b64(CLIENT_ID),
                        "instance-admin-client-secret", b64(CLIENT_SECRET),
                        "instance-admin-password", b64("not-used")))
                .build())
        .create();
  }

  private void expectPost(String path, int status, String body) {
    server.expect().post().withPath(PROXY + path).andReturn(status, body).always();
  }

  private void expectStatus(String path, int code, String message) {
    server
        .expect()
        .post()
        .withPath(PROXY + path)
        .andReturn(
            code,
            new StatusBuilder()
                .withCode(code)
                .withStatus("Failure")
                .withReason(code == 403 ? "Forbidden" : "ServiceUnavailable")
                .withMessage(message)
                .build())
        .always();
  }

  private List<RecordedRequest> proxiedRequests() throws InterruptedException {
    List<RecordedRequest> proxied = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      if (request.getPath() != null && request.getPath().startsWith(PROXY)) {
        proxied.add(request);
      }
    }
    return proxied;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
