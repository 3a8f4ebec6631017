package dev.pulldoctor.agent.airbyte;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.CustomConnector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Discovery against a fake Airbyte server with the config API's real shapes, at a given URL. */
class AirbyteDiscoveryTest {
  private static final String ID = "8a5b2c3d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
  private static final String SECRET = "s3cret-client-value";
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.fake.token";

  /** Small pages, so three workspaces take two pages. */
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20, 2, 10, 10);

  @TempDir Path dir;
  private @Nullable FakeAirbyte airbyte;

  @AfterEach
  void stop() {
    if (airbyte != null) {
      airbyte.close();
    }
  }

  @Test
  void lists_exactly_the_custom_definitions_of_every_workspace_and_pinned_actors()
      throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery = discover(airbyte.url(), ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.credentialSource())
        .isEqualTo("--airbyte-client-id/--airbyte-client-secret-file");
    assertThat(discovery.endpoint()).isEqualTo(airbyte.url());
    assertThat(discovery.connectors())
        .containsExactly(
            new CustomConnector(
                "Acme API",
                CustomConnector.Kind.SOURCE,
                "Default Workspace",
                "registry.example.com/data-team/source-acme:1.2.0",
                null),
            new CustomConnector(
                "Acme Warehouse",
                CustomConnector.Kind.DESTINATION,
                "Analytics",
                "data-team/destination-warehouse:0.4.1",
                null),
            new CustomConnector(
                "Acme API",
                CustomConnector.Kind.SOURCE,
                "Default Workspace",
                "registry.example.com/data-team/source-acme:1.1.0",
                "acme-prod"));
    List<FakeAirbyte.Recorded> requests = airbyte.requests();
    assertThat(requests.get(0).path()).isEqualTo("/api/v1/applications/token");
    assertThat(requests.get(0).body())
        .contains("\"grant_type\":\"client_credentials\"")
        .contains("\"client_id\":\"" + ID + "\"");
    assertThat(requests.subList(1, requests.size()))
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    // Three workspaces in pages of two: two pages.
    assertThat(requests)
        .filteredOn(r -> r.path().equals("/api/v1/workspaces/list_all_paginated"))
        .hasSize(2);
    // Only the pinned actor of a custom definition is looked up.
    assertThat(requests)
        .filteredOn(r -> r.path().startsWith("/api/v1/actor_definition_versions/"))
        .hasSize(1);
  }

  @Test
  void environment_credentials_are_used_when_no_flags_are_given() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery =
        discover(
            airbyte.url(),
            null,
            null,
            Map.of("AIRBYTE_CLIENT_ID", ID, "AIRBYTE_CLIENT_SECRET", SECRET));

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.credentialSource())
        .isEqualTo("environment AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET");
  }

  @Test
  void flags_win_over_the_environment() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery =
        discover(
            airbyte.url(),
            ID,
            secretFile(SECRET),
            Map.of("AIRBYTE_CLIENT_ID", "other", "AIRBYTE_CLIENT_SECRET", "wrong"));

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
  }

  @Test
  void a_wrong_secret_is_unauthorized_and_names_the_credential_source() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery =
        discover(airbyte.url(), ID, secretFile("not-the-secret"), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.UNAUTHORIZED);
    assertThat(discovery.detail())
        .isEqualTo(
            "POST /api/v1/applications/token answered 401 Unauthorized for the client id and"
                + " secret from --airbyte-client-id/--airbyte-client-secret-file");
    assertThat(discovery.connectors()).isEmpty();
  }

  @Test
  void no_credentials_against_a_server_that_wants_a_login_says_where_it_looked() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery = discover(airbyte.url(), null, null, Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.UNAUTHORIZED);
    assertThat(discovery.credentialSource()).isEqualTo("none");
    assertThat(discovery.detail())
        .contains("answered 401 Unauthorized: Airbyte requires a login and no credentials")
        .contains("AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET not set");
  }

  @Test
  void a_server_without_auth_is_listed_without_a_token_even_with_credentials() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN).withoutAuth();

    ConnectorDiscovery discovery =
        discover(
            airbyte.url(),
            null,
            null,
            Map.of("AIRBYTE_CLIENT_ID", ID, "AIRBYTE_CLIENT_SECRET", SECRET));

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.connectors()).hasSize(3);
    assertThat(airbyte.requests().subList(1, airbyte.requests().size()))
        .allSatisfy(r -> assertThat(r.authorization()).isNull());
  }

  @Test
  void an_older_server_without_paginated_workspaces_is_listed_all_at_once() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN).withoutPaginatedWorkspaces();

    ConnectorDiscovery discovery = discover(airbyte.url(), ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.connectors()).hasSize(3);
    assertThat(airbyte.requests()).anyMatch(r -> r.path().equals("/api/v1/workspaces/list"));
  }

  @Test
  void a_server_error_is_reported_with_the_path_and_status() throws Exception {
    airbyte =
        FakeAirbyte.standard(ID, SECRET, TOKEN)
            .failing("/api/v1/destination_definitions/list_for_workspace", 500);

    ConnectorDiscovery discovery = discover(airbyte.url(), ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(discovery.detail())
        .isEqualTo(
            "POST /api/v1/destination_definitions/list_for_workspace answered 500 Internal"
                + " Server Error");
  }

  @Test
  void failing_version_pins_leave_the_definitions_found() throws Exception {
    airbyte =
        FakeAirbyte.standard(ID, SECRET, TOKEN).failing("/api/v1/sources/list_paginated", 404);

    ConnectorDiscovery discovery = discover(airbyte.url(), ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.connectors()).extracting(CustomConnector::actor).containsOnlyNulls();
  }

  @Test
  void a_slow_server_is_unreachable_within_the_timeout() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN).slow(10_000);
    Limits quick = new Limits(Duration.ofSeconds(1), Duration.ofMillis(700), 1 << 20, 100, 10, 10);

    long start = System.nanoTime();
    ConnectorDiscovery discovery =
        new AirbyteDiscovery(Map.of(), quick)
            .discover(
                new AirbyteDiscovery.Request(URI.create(airbyte.url()), ID, secretFile(SECRET)),
                null,
                "airbyte",
                null,
                false)
            .orElseThrow();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(discovery.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(discovery.detail())
        .isEqualTo("POST /api/v1/applications/token got no complete answer within 0.7 s");
  }

  @Test
  void a_login_page_is_not_json() throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN).html();

    ConnectorDiscovery discovery = discover(airbyte.url(), null, null, Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.BAD_RESPONSE);
    assertThat(discovery.detail())
        .isEqualTo("POST /api/v1/workspaces/list_all_paginated answered text/html, not JSON");
  }

  @Test
  void a_refused_connection_is_unreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    ConnectorDiscovery discovery =
        discover("http://127.0.0.1:" + port, ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(discovery.detail())
        .isEqualTo("cannot connect to 127.0.0.1:" + port + " (connection refused or unreachable)");
  }

  @Test
  void a_redirect_is_not_followed() throws Exception {
    AtomicInteger elsewhere = new AtomicInteger();
    HttpServer other = server(exchange -> elsewhere.incrementAndGet());
    HttpServer redirecting =
        server(
            exchange -> {
              exchange
                  .getResponseHeaders()
                  .set("Location", "http://127.0.0.1:" + other.getAddress().getPort() + "/");
              exchange.sendResponseHeaders(302, -1);
            });
    try {
      ConnectorDiscovery discovery =
          discover("http://127.0.0.1:" + redirecting.getAddress().getPort(), null, null, Map.of());

      assertThat(discovery.outcome()).isEqualTo(Outcome.HTTP_ERROR);
      assertThat(discovery.detail()).contains("answered a redirect (302)");
      assertThat(elsewhere).hasValue(0);
    } finally {
      other.stop(0);
      redirecting.stop(0);
    }
  }

  @Test
  void an_answer_larger_than_the_cap_is_refused() throws Exception {
    byte[] huge = new byte[200_000];
    java.util.Arrays.fill(huge, (byte) ' ');
    HttpServer big =
        server(
            exchange -> {
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, huge.length);
              exchange.getResponseBody().write(huge);
            });
    Limits small = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(5), 100_000, 100, 10, 10);
    try {
      ConnectorDiscovery discovery =
          new AirbyteDiscovery(Map.of(), small)
              .discover(
                  new AirbyteDiscovery.Request(
                      URI.create("http://127.0.0.1:" + big.getAddress().getPort()), null, null),
                  null,
                  "airbyte",
                  null,
                  false)
              .orElseThrow();

      assertThat(discovery.outcome()).isEqualTo(Outcome.BAD_RESPONSE);
      assertThat(discovery.detail())
          .isEqualTo("POST /api/v1/workspaces/list_all_paginated answered more than 100000 bytes");
    } finally {
      big.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/api", "/api/"})
  void the_api_suffix_and_trailing_slashes_are_optional(String suffix) throws Exception {
    airbyte = FakeAirbyte.standard(ID, SECRET, TOKEN);

    ConnectorDiscovery discovery =
        discover(airbyte.url() + suffix, ID, secretFile(SECRET), Map.of());

    assertThat(discovery.outcome()).isEqualTo(Outcome.FOUND);
    assertThat(discovery.endpoint()).isEqualTo(airbyte.url());
  }

  @Test
  void an_unreadable_or_empty_secret_file_is_bad_input_without_its_content() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n", StandardCharsets.UTF_8);
    Path twoLines = Files.writeString(dir.resolve("two"), "line-one\nline-two\n");

    assertThatThrownBy(() -> discover("http://127.0.0.1:1", ID, dir.resolve("missing"), Map.of()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("cannot read")
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> discover("http://127.0.0.1:1", ID, empty, Map.of()))
        .isInstanceOf(InputException.class)
        .hasMessageEndingWith("is empty");
    assertThatThrownBy(() -> discover("http://127.0.0.1:1", ID, twoLines, Map.of()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("several lines")
        .hasMessageNotContaining("line-one");
  }

  @Test
  void nothing_is_asked_without_a_url_or_a_cluster() throws Exception {
    assertThat(
            new AirbyteDiscovery(Map.of(), LIMITS)
                .discover(
                    new AirbyteDiscovery.Request(null, null, null), null, "airbyte", null, false))
        .isEmpty();
  }

  @Test
  void credentials_never_show_their_values() {
    assertThat(new Credentials(ID, SECRET, Credentials.FLAGS).toString())
        .doesNotContain(SECRET)
        .doesNotContain(ID);
  }

  private ConnectorDiscovery discover(
      String url, @Nullable String clientId, @Nullable Path secretFile, Map<String, String> env)
      throws InputException {
    return new AirbyteDiscovery(env, LIMITS)
        .discover(
            new AirbyteDiscovery.Request(URI.create(url), clientId, secretFile),
            null,
            "airbyte",
            null,
            false)
        .orElseThrow();
  }

  private Path secretFile(String secret) throws IOException {
    return Files.writeString(
        Files.createTempFile(dir, "secret", ".txt"), secret + "\n", StandardCharsets.UTF_8);
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
          }
        });
    server.start();
    return server;
  }
}
