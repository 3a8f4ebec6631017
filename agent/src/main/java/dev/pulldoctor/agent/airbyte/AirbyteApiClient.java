package dev.pulldoctor.agent.airbyte;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.model.ConnectorDiscovery.Outcome;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.CustomConnector.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the custom connectors through Airbyte's config API. Endpoints and shapes as declared in
 * {@code airbytehq/airbyte-platform} {@code airbyte-api/server-api/src/main/openapi/config.yaml}
 * (checked at commit e90f806): every endpoint is a POST with a JSON body;
 *
 * <ul>
 *   <li>{@code /v1/applications/token}: {@code ApplicationTokenRequest {client_id, client_secret}}
 *       (abctl's {@code internal/airbyte/api.go} also sends {@code grant_type: client_credentials},
 *       as the public {@code ApplicationTokenRequestWithGrant} requires) → {@code AccessToken
 *       {access_token}};
 *   <li>{@code /v1/workspaces/list_all_paginated}: {@code ListResourcesForWorkspacesRequestBody
 *       {workspaceIds, pagination: {pageSize, rowOffset}}} → {@code WorkspaceReadList {workspaces:
 *       [WorkspaceRead {workspaceId, name}]}}; servers without it get {@code /v1/workspaces/list}
 *       (no body, same answer);
 *   <li>{@code /v1/source_definitions/list_for_workspace} and {@code
 *       /v1/destination_definitions/list_for_workspace}: {@code WorkspaceIdRequestBody
 *       {workspaceId}} → {@code SourceDefinitionReadList {sourceDefinitions}} / {@code
 *       DestinationDefinitionReadList {destinationDefinitions}} of definitions with {@code
 *       sourceDefinitionId}/{@code destinationDefinitionId}, {@code name}, {@code
 *       dockerRepository}, {@code dockerImageTag} and {@code custom} (default false);
 *   <li>per-actor version pins: {@code /v1/sources/list_paginated} and {@code
 *       /v1/destinations/list_paginated} ({@code ListResourcesForWorkspacesRequestBody}) → {@code
 *       SourceReadList {sources: [SourceRead {sourceId, sourceDefinitionId, workspaceId, name,
 *       isVersionOverrideApplied}]}}, then for a pinned actor of a custom definition {@code
 *       /v1/actor_definition_versions/get_for_source} ({@code SourceIdRequestBody}) or {@code
 *       get_for_destination} → {@code ActorDefinitionVersionRead {dockerRepository,
 *       dockerImageTag}}.
 * </ul>
 *
 * <p>Responses are read into trees and only the fields above are used: a SourceRead also carries
 * the connector's configuration, which is never kept. Parser errors are never shown (Jackson quotes
 * the offending input, and a token response holds a token).
 */
final class AirbyteApiClient {
  static final String TOKEN = "/api/v1/applications/token";
  static final String WORKSPACES_PAGINATED = "/api/v1/workspaces/list_all_paginated";
  static final String WORKSPACES = "/api/v1/workspaces/list";
  private static final Logger logger = LoggerFactory.getLogger(AirbyteApiClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<Integer> REJECTED_CREDENTIALS = Set.of(400, 401, 403, 422);

  private final Transport transport;
  private final @Nullable Credentials credentials;
  private final List<String> noCredentialsLookedAt;
  private final Limits limits;
  private @Nullable String token;
  private @Nullable AirbyteApiException tokenFailure;

  /**
   * @param credentials the credentials to get a token with, or null to call without one
   * @param noCredentialsLookedAt where credentials were looked for, for the message when Airbyte
   *     wants a login and there were none
   */
  AirbyteApiClient(
      Transport transport,
      @Nullable Credentials credentials,
      List<String> noCredentialsLookedAt,
      Limits limits) {
    this.transport = transport;
    this.credentials = credentials;
    this.noCredentialsLookedAt = List.copyOf(noCredentialsLookedAt);
    this.limits = limits;
  }

  /** Every custom connector of every workspace, plus actors pinned to other versions of them. */
  List<CustomConnector> customConnectors() throws AirbyteApiException {
    authenticate();
    List<Workspace> workspaces = workspaces();
    logger.debug("Airbyte lists {} workspace(s)", workspaces.size());
    List<CustomConnector> found = new ArrayList<>();
    Map<String, Definition> custom = new LinkedHashMap<>();
    for (Workspace workspace : workspaces) {
      for (Kind kind : Kind.values()) {
        for (Definition definition : definitions(workspace, kind)) {
          found.add(
              new CustomConnector(
                  definition.name(), kind, workspace.name(), definition.image(), null));
          custom.put(definition.key(workspace.id()), definition);
        }
      }
    }
    if (!custom.isEmpty()) {
      found.addAll(pinnedActors(workspaces, custom));
    }
    return found;
  }

  private void authenticate() throws AirbyteApiException {
    if (credentials == null) {
      return;
    }
    ObjectNode body = MAPPER.createObjectNode();
    body.put("grant_type", "client_credentials");
    body.put("client_id", credentials.clientId());
    body.put("client_secret", credentials.clientSecret());
    ApiResponse response = transport.post(TOKEN, bytes(body), null);
    logger.debug("POST {} answered {}", TOKEN, response.status());
    if (REJECTED_CREDENTIALS.contains(response.status())) {
      throw new AirbyteApiException(
          Outcome.UNAUTHORIZED,
          response.status(),
          "POST "
              + TOKEN
              + " answered "
              + statusText(response.status())
              + " for the client id and secret from "
              + credentials.source());
    }
    if (!response.successful()) {
      // Without auth (abctl --disable-auth) the endpoint may be missing; try without a token and
      // report this only if Airbyte then wants one.
      tokenFailure =
          new AirbyteApiException(
              Outcome.HTTP_ERROR,
              response.status(),
              "POST "
                  + TOKEN
                  + " answered "
                  + statusText(response.status())
                  + " to the client id and secret from "
                  + credentials.source());
      logger.info("{}; trying without a token", tokenFailure.detail());
      return;
    }
    JsonNode tree = json(TOKEN, response);
    JsonNode accessToken = tree.path("access_token");
    if (!accessToken.isTextual() || accessToken.asText().isEmpty()) {
      throw new AirbyteApiException(
          Outcome.BAD_RESPONSE, "POST " + TOKEN + " answered JSON without an access_token");
    }
    token = accessToken.asText();
  }

  private List<Workspace> workspaces() throws AirbyteApiException {
    List<Workspace> workspaces = new ArrayList<>();
    for (int page = 0; page < limits.maxPages(); page++) {
      ObjectNode body = MAPPER.createObjectNode();
      body.putArray("workspaceIds");
      ObjectNode pagination = body.putObject("pagination");
      pagination.put("pageSize", limits.pageSize());
      pagination.put("rowOffset", page * limits.pageSize());
      ApiResponse response = transport.post(WORKSPACES_PAGINATED, bytes(body), token);
      if (page == 0 && (response.status() == 404 || response.status() == 405)) {
        logger.debug(
            "{} answered {}; using {}", WORKSPACES_PAGINATED, response.status(), WORKSPACES);
        return workspaceList(call(WORKSPACES, MAPPER.createObjectNode()), WORKSPACES);
      }
      List<Workspace> batch =
          workspaceList(checked(WORKSPACES_PAGINATED, response), WORKSPACES_PAGINATED);
      workspaces.addAll(batch);
      if (batch.size() < limits.pageSize()) {
        return workspaces;
      }
    }
    logger.warn(
        "Airbyte lists more than {} workspaces; only the first {} are checked",
        limits.maxPages() * limits.pageSize(),
        workspaces.size());
    return workspaces;
  }

  private static List<Workspace> workspaceList(JsonNode tree, String path)
      throws AirbyteApiException {
    JsonNode list = tree.path("workspaces");
    if (!list.isArray()) {
      throw shape(path, "has no workspaces array");
    }
    List<Workspace> workspaces = new ArrayList<>();
    for (JsonNode workspace : list) {
      String id = text(workspace, "workspaceId");
      if (id == null) {
        throw shape(path, "lists a workspace without a workspaceId");
      }
      String name = text(workspace, "name");
      workspaces.add(new Workspace(id, name == null ? id : name));
    }
    return workspaces;
  }

  private List<Definition> definitions(Workspace workspace, Kind kind) throws AirbyteApiException {
    String path = "/api/v1/" + kind.word() + "_definitions/list_for_workspace";
    ObjectNode body = MAPPER.createObjectNode();
    body.put("workspaceId", workspace.id());
    JsonNode list = call(path, body).path(kind.word() + "Definitions");
    if (!list.isArray()) {
      throw shape(path, "has no " + kind.word() + "Definitions array");
    }
    List<Definition> custom = new ArrayList<>();
    for (JsonNode definition : list) {
      if (!definition.path("custom").asBoolean(false)) {
        continue;
      }
      String id = text(definition, kind.word() + "DefinitionId");
      String repository = text(definition, "dockerRepository");
      String tag = text(definition, "dockerImageTag");
      if (id == null || repository == null || tag == null) {
        throw shape(
            path,
            "lists a custom definition without "
                + kind.word()
                + "DefinitionId, dockerRepository or dockerImageTag");
      }
      String name = text(definition, "name");
      custom.add(
          new Definition(kind, id, name == null ? repository : name, image(repository, tag)));
    }
    return custom;
  }

  /**
   * Actors pinned to a version of a custom definition other than its default pull that version's
   * image. Best effort: a server without these endpoints, or one that fails them, leaves the
   * definitions as found.
   */
  private List<CustomConnector> pinnedActors(
      List<Workspace> workspaces, Map<String, Definition> custom) {
    List<CustomConnector> pinned = new ArrayList<>();
    int lookups = 0;
    try {
      for (Kind kind : Kind.values()) {
        for (JsonNode actor : actors(workspaces, kind)) {
          if (!actor.path("isVersionOverrideApplied").asBoolean(false)) {
            continue;
          }
          String workspaceId = text(actor, "workspaceId");
          String definitionId = text(actor, kind.word() + "DefinitionId");
          String actorId = text(actor, kind.word() + "Id");
          Definition definition = custom.get(Definition.key(kind, definitionId, workspaceId));
          if (definition == null || actorId == null || lookups++ >= limits.maxVersionLookups()) {
            continue;
          }
          String image = pinnedImage(kind, actorId);
          if (image != null && !image.equals(definition.image())) {
            String actorName = text(actor, "name");
            pinned.add(
                new CustomConnector(
                    definition.name(),
                    kind,
                    workspaceName(workspaces, workspaceId),
                    image,
                    actorName == null ? actorId : actorName));
          }
        }
      }
    } catch (AirbyteApiException e) {
      logger.info("cannot read version pins of custom connectors: {}", e.detail());
    }
    return pinned;
  }

  private List<JsonNode> actors(List<Workspace> workspaces, Kind kind) throws AirbyteApiException {
    String path = "/api/v1/" + kind.word() + "s/list_paginated";
    List<JsonNode> actors = new ArrayList<>();
    for (int page = 0; page < limits.maxPages(); page++) {
      ObjectNode body = MAPPER.createObjectNode();
      ArrayNode ids = body.putArray("workspaceIds");
      workspaces.forEach(w -> ids.add(w.id()));
      ObjectNode pagination = body.putObject("pagination");
      pagination.put("pageSize", limits.pageSize());
      pagination.put("rowOffset", page * limits.pageSize());
      JsonNode list = call(path, body).path(kind.word() + "s");
      if (!list.isArray()) {
        throw shape(path, "has no " + kind.word() + "s array");
      }
      list.forEach(actors::add);
      if (list.size() < limits.pageSize()) {
        break;
      }
    }
    return actors;
  }

  private @Nullable String pinnedImage(Kind kind, String actorId) throws AirbyteApiException {
    String path = "/api/v1/actor_definition_versions/get_for_" + kind.word();
    ObjectNode body = MAPPER.createObjectNode();
    body.put(kind.word() + "Id", actorId);
    JsonNode version = call(path, body);
    String repository = text(version, "dockerRepository");
    String tag = text(version, "dockerImageTag");
    return repository == null || tag == null ? null : image(repository, tag);
  }

  private JsonNode call(String path, ObjectNode body) throws AirbyteApiException {
    return checked(path, transport.post(path, bytes(body), token));
  }

  private JsonNode checked(String path, ApiResponse response) throws AirbyteApiException {
    logger.debug("POST {} answered {} ({} bytes)", path, response.status(), response.body().length);
    if (response.status() == 401) {
      if (tokenFailure != null) {
        throw tokenFailure;
      }
      throw new AirbyteApiException(Outcome.UNAUTHORIZED, 401, unauthorized(path));
    }
    if (response.status() == 403) {
      throw new AirbyteApiException(
          Outcome.FORBIDDEN,
          403,
          "POST "
              + path
              + " answered 403 Forbidden"
              + (credentials == null
                  ? ""
                  : " to the application of "
                      + credentials.source()
                      + "; it needs to be an instance admin or belong to the organization"));
    }
    if (response.status() >= 300 && response.status() < 400) {
      throw new AirbyteApiException(
          Outcome.HTTP_ERROR,
          response.status(),
          "POST "
              + path
              + " answered a redirect ("
              + response.status()
              + "), which pulldoctor does not follow; pass the address it redirects to");
    }
    if (!response.successful()) {
      throw new AirbyteApiException(
          Outcome.HTTP_ERROR,
          response.status(),
          "POST " + path + " answered " + statusText(response.status()));
    }
    return json(path, response);
  }

  private String unauthorized(String path) {
    if (credentials == null) {
      return "POST "
          + path
          + " answered 401 Unauthorized: Airbyte requires a login and no credentials were found"
          + (noCredentialsLookedAt.isEmpty()
              ? ""
              : " (looked at " + String.join("; ", noCredentialsLookedAt) + ")");
    }
    return "POST "
        + path
        + " answered 401 Unauthorized to the token granted for the client id and secret from "
        + credentials.source();
  }

  private static JsonNode json(String path, ApiResponse response) throws AirbyteApiException {
    String type = response.contentType();
    if (type != null && !type.toLowerCase(Locale.ROOT).contains("json")) {
      throw new AirbyteApiException(
          Outcome.BAD_RESPONSE,
          response.status(),
          "POST " + path + " answered " + mediaType(type) + ", not JSON");
    }
    try {
      JsonNode tree = MAPPER.readTree(response.body());
      if (tree == null || !tree.isObject()) {
        throw shape(path, "is not a JSON object");
      }
      return tree;
    } catch (IOException e) {
      // Never the parser's message: it quotes the body.
      throw new AirbyteApiException(
          Outcome.BAD_RESPONSE, response.status(), "POST " + path + " answered invalid JSON");
    }
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon == -1 ? contentType : contentType.substring(0, semicolon)).strip();
    return type.length() > 60 ? type.substring(0, 60) : type;
  }

  private static AirbyteApiException shape(String path, String what) {
    return new AirbyteApiException(Outcome.BAD_RESPONSE, "the answer to POST " + path + " " + what);
  }

  static String image(String repository, String tag) {
    return repository + (tag.startsWith("sha256:") ? "@" : ":") + tag;
  }

  private static String workspaceName(List<Workspace> workspaces, @Nullable String id) {
    return workspaces.stream()
        .filter(w -> w.id().equals(id))
        .map(Workspace::name)
        .findFirst()
        .orElse(id == null ? "?" : id);
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static byte[] bytes(ObjectNode body) throws AirbyteApiException {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new AirbyteApiException(Outcome.BAD_RESPONSE, "cannot write a request body");
    }
  }

  static String statusText(int status) {
    return switch (status) {
      case 400 -> "400 Bad Request";
      case 401 -> "401 Unauthorized";
      case 403 -> "403 Forbidden";
      case 404 -> "404 Not Found";
      case 405 -> "405 Method Not Allowed";
      case 422 -> "422 Unprocessable Entity";
      case 500 -> "500 Internal Server Error";
      case 502 -> "502 Bad Gateway";
      case 503 -> "503 Service Unavailable";
      case 504 -> "504 Gateway Timeout";
      default -> "HTTP " + status;
    };
  }

  private record Workspace(String id, String name) {}

  private record Definition(Kind kind, String id, String name, String image) {
    String key(String workspaceId) {
      return key(kind, id, workspaceId);
    }

    static String key(Kind kind, @Nullable String definitionId, @Nullable String workspaceId) {
      return kind + "/" + definitionId + "/" + workspaceId;
    }
  }
}
