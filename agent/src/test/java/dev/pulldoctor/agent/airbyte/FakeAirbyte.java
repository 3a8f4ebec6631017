package dev.pulldoctor.agent.airbyte;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A fake Airbyte server on loopback with the config API's real request and response shapes
 * (airbyte-api/server-api/src/main/openapi/config.yaml): the token endpoint, paginated workspaces,
 * definitions per workspace (custom and not), paginated actors and actor definition versions. It
 * checks the bearer header or the JWT cookie like Airbyte's community edition does, and can be told
 * to fail a path, answer slowly, or answer HTML.
 */
public final class FakeAirbyte implements AutoCloseable {
  public static final String ORGANIZATION = "00000000-0000-0000-0000-000000000000";
  static final String SVG =
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0h24v24H0z\"/></svg>";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String clientId;
  private final String clientSecret;
  private final String token;
  private final Map<String, ObjectNode> workspaces = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> sourceDefinitions = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> destinationDefinitions = new LinkedHashMap<>();
  private final List<ObjectNode> sources = new ArrayList<>();
  private final Map<String, ObjectNode> versions = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean authEnabled = true;
  private volatile long delayMillis;
  private volatile boolean html;
  private volatile boolean paginatedWorkspaces = true;

  /** What the server received (headers included, to check what was sent). */
  public record Recorded(
      String path, @Nullable String authorization, @Nullable String cookie, String body) {}

  public FakeAirbyte(String clientId, String clientSecret, String token) throws IOException {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** Three workspaces, custom and registry connectors, one actor pinned to an older version. */
  public static FakeAirbyte standard(String clientId, String clientSecret, String token)
      throws IOException {
    FakeAirbyte airbyte = new FakeAirbyte(clientId, clientSecret, token);
    airbyte.workspace("b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11", "Default Workspace");
    airbyte.workspace("0f0e3c4a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "Analytics");
    airbyte.workspace("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "Sandbox");
    // A registry connector every workspace sees: not custom, never listed.
    for (String ws : airbyte.workspaces.keySet()) {
      airbyte.sourceDefinition(
          ws,
          "decd338e-5647-4c0b-adf4-da0e75f5a750",
          "Postgres",
          "airbyte/source-postgres",
          "3.6.28",
          false);
      airbyte.destinationDefinition(
          ws,
          "22f6c74f-5699-40ff-833c-4a879ea40133",
          "BigQuery",
          "airbyte/destination-bigquery",
          "2.9.4",
          false);
    }
    airbyte.sourceDefinition(
        "b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11",
        "6a1c0d7e-2f3b-4c5d-9e8f-7a6b5c4d3e2f",
        "Acme API",
        "registry.example.com/data-team/source-acme",
        "1.2.0",
        true);
    // No registry host: Docker Hub, or the connector image registry when one is set.
    airbyte.destinationDefinition(
        "0f0e3c4a-1b2c-4d5e-8f90-a1b2c3d4e5f6",
        "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        "Acme Warehouse",
        "data-team/destination-warehouse",
        "0.4.1",
        true);
    airbyte.source(
        "e1d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f",
        "6a1c0d7e-2f3b-4c5d-9e8f-7a6b5c4d3e2f",
        "b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11",
        "acme-prod",
        "registry.example.com/data-team/source-acme",
        "1.1.0");
    airbyte.source(
        "f2e3d4c5-b6a7-4f8e-9d0c-1b2a3c4d5e6f",
        "decd338e-5647-4c0b-adf4-da0e75f5a750",
        "b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11",
        "warehouse-db",
        null,
        null);
    return airbyte;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public FakeAirbyte workspace(String id, String name) {
    ObjectNode workspace = JSON.createObjectNode();
    workspace.put("workspaceId", id);
    workspace.put("customerId", "8c8f3f1e-1111-4a4a-9b9b-2c2c2c2c2c2c");
    workspace.put("email", "admin@example.com");
    workspace.put("name", name);
    workspace.put("slug", name.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
    workspace.put("initialSetupComplete", true);
    workspace.put("displaySetupWizard", false);
    workspace.put("anonymousDataCollection", false);
    workspace.put("news", false);
    workspace.put("securityUpdates", false);
    workspace.putArray("notifications");
    workspace.putObject("notificationSettings").putObject("sendOnFailure");
    workspace.put("defaultGeography", "auto");
    workspace.putArray("webhookConfigs");
    workspace.put("organizationId", ORGANIZATION);
    workspace.put("tombstone", false);
    workspaces.put(id, workspace);
    return this;
  }

  public FakeAirbyte sourceDefinition(
      String workspace, String id, String name, String repository, String tag, boolean custom) {
    ObjectNode definition = definition(name, repository, tag, custom);
    definition.put("sourceDefinitionId", id);
    definition.put("sourceType", custom ? "custom" : "database");
    definition.put("maxSecondsBetweenMessages", 10800);
    sourceDefinitions.computeIfAbsent(workspace, k -> new ArrayList<>()).add(definition);
    return this;
  }

  public FakeAirbyte destinationDefinition(
      String workspace, String id, String name, String repository, String tag, boolean custom) {
    ObjectNode definition = definition(name, repository, tag, custom);
    definition.put("destinationDefinitionId", id);
    destinationDefinitions.computeIfAbsent(workspace, k -> new ArrayList<>()).add(definition);
    return this;
  }

  /** A source; with a repository and tag, pinned to that version. */
  public FakeAirbyte source(
      String id,
      String definitionId,
      String workspace,
      String name,
      @Nullable String pinnedRepository,
      @Nullable String pinnedTag) {
    ObjectNode source = JSON.createObjectNode();
    source.put("sourceDefinitionId", definitionId);
    source.put("sourceId", id);
    source.put("workspaceId", workspace);
    ObjectNode configuration = source.putObject("connectionConfiguration");
    configuration.put("api_key", "**********");
    configuration.put("start_date", "2026-01-01");
    source.put("name", name);
    source.put("sourceName", name);
    source.put("icon", SVG);
    source.put("isVersionOverrideApplied", pinnedRepository != null);
    source.put("supportState", "supported");
    source.put("status", "active");
    source.put("createdAt", 1764000000L);
    sources.add(source);
    if (pinnedRepository != null && pinnedTag != null) {
      ObjectNode version = JSON.createObjectNode();
      version.put("dockerRepository", pinnedRepository);
      version.put("dockerImageTag", pinnedTag);
      version.put("supportsRefreshes", false);
      version.put("supportState", "supported");
      version.put("isVersionOverrideApplied", true);
      version.put("supportsFileTransfer", false);
      versions.put(id, version);
    }
    return this;
  }

  private static ObjectNode definition(String name, String repository, String tag, boolean custom) {
    ObjectNode definition = JSON.createObjectNode();
    definition.put("name", name);
    definition.put("dockerRepository", repository);
    definition.put("dockerImageTag", tag);
    definition.put("documentationUrl", "https://docs.example.com/" + repository);
    definition.put("icon", SVG);
    definition.put("protocolVersion", "0.2.0");
    definition.put("custom", custom);
    definition.put("supportLevel", custom ? "none" : "certified");
    definition.put("releaseStage", custom ? "custom" : "generally_available");
    definition.putObject("resourceRequirements");
    definition.put("language", custom ? "python" : "java");
    return definition;
  }

  /** Airbyte installed without auth: no token endpoint, no check. */
  public FakeAirbyte withoutAuth() {
    authEnabled = false;
    return this;
  }

  /** Answers {@code status} to POST {@code path}. */
  public FakeAirbyte failing(String path, int status) {
    failures.put(path, status);
    return this;
  }

  public FakeAirbyte slow(long millis) {
    delayMillis = millis;
    return this;
  }

  /** Answers every request with an HTML page, like a login proxy in front of Airbyte. */
  public FakeAirbyte html() {
    html = true;
    return this;
  }

  /** An older server without /workspaces/list_all_paginated. */
  public FakeAirbyte withoutPaginatedWorkspaces() {
    paginatedWorkspaces = false;
    return this;
  }

  public List<Recorded> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(
          new Recorded(
              path,
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Cookie"),
              new String(body, StandardCharsets.UTF_8)));
      if (delayMillis > 0) {
        sleep(delayMillis);
      }
      if (html) {
        send(exchange, 200, "text/html; charset=utf-8", "<!doctype html><title>Sign in</title>");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "application/json", "{\"message\":\"Method Not Allowed\"}");
        return;
      }
      Integer failure = failures.get(path);
      if (failure != null) {
        send(exchange, failure, "application/json", "{\"message\":\"Internal Server Error\"}");
        return;
      }
      JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      if (path.equals("/api/v1/applications/token")) {
        token(exchange, request);
        return;
      }
      if (authEnabled && !authorized(exchange)) {
        send(exchange, 401, "application/json", "{\"message\":\"Unauthorized\"}");
        return;
      }
      ObjectNode answer = answer(path, request);
      if (answer == null) {
        send(exchange, 404, "application/json", "{\"message\":\"Page Not Found\"}");
        return;
      }
      send(exchange, 200, "application/json", JSON.writeValueAsString(answer));
    }
  }

  private void token(HttpExchange exchange, JsonNode request) throws IOException {
    if (!authEnabled) {
      send(exchange, 404, "application/json", "{\"message\":\"Page Not Found\"}");
      return;
    }
    if (clientId.equals(request.path("client_id").asText())
        && clientSecret.equals(request.path("client_secret").asText())) {
      send(
          exchange,
          200,
          "application/json",
          JSON.writeValueAsString(JSON.createObjectNode().put("access_token", token)));
    } else {
      send(exchange, 401, "application/json", "{\"message\":\"Invalid client credentials\"}");
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String cookie = exchange.getRequestHeaders().getFirst("Cookie");
    return ("Bearer " + token).equals(authorization) || ("JWT=" + token).equals(cookie);
  }

  private @Nullable ObjectNode answer(String path, JsonNode request) {
    ObjectNode answer = JSON.createObjectNode();
    switch (path) {
      case "/api/v1/workspaces/list_all_paginated" -> {
        if (!paginatedWorkspaces) {
          return null;
        }
        ArrayNode list = answer.putArray("workspaces");
        page(List.copyOf(workspaces.values()), request).forEach(list::add);
      }
      case "/api/v1/workspaces/list" -> answer.putArray("workspaces").addAll(workspaces.values());
      case "/api/v1/source_definitions/list_for_workspace" ->
          answer
              .putArray("sourceDefinitions")
              .addAll(
                  sourceDefinitions.getOrDefault(request.path("workspaceId").asText(), List.of()));
      case "/api/v1/destination_definitions/list_for_workspace" ->
          answer
              .putArray("destinationDefinitions")
              .addAll(
                  destinationDefinitions.getOrDefault(
                      request.path("workspaceId").asText(), List.of()));
      case "/api/v1/sources/list_paginated" -> {
        List<String> ids = new ArrayList<>();
        request.path("workspaceIds").forEach(id -> ids.add(id.asText()));
        List<ObjectNode> inWorkspaces =
            sources.stream().filter(s -> ids.contains(s.path("workspaceId").asText())).toList();
        ArrayNode list = answer.putArray("sources");
        page(inWorkspaces, request).forEach(list::add);
      }
      case "/api/v1/destinations/list_paginated" -> answer.putArray("destinations");
      case "/api/v1/actor_definition_versions/get_for_source" -> {
        ObjectNode version = versions.get(request.path("sourceId").asText());
        return version;
      }
      default -> {
        return null;
      }
    }
    return answer;
  }

  private static List<ObjectNode> page(List<ObjectNode> all, JsonNode request) {
    int size = request.path("pagination").path("pageSize").asInt(20);
    int offset = request.path("pagination").path("rowOffset").asInt(0);
    return all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()));
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
