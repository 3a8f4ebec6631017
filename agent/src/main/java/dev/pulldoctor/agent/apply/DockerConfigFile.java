package dev.pulldoctor.agent.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.collect.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker config file ({@code ~/.docker/config.json} after {@code docker login}) given with {@code
 * fix --docker-config}: the source of the credentials of a pull secret the plan creates. Only the
 * entry for the secret's registry is taken, so a secret never carries credentials for other
 * registries; no part of the file is ever printed, logged or kept after use.
 */
public final class DockerConfigFile {
  /** Far above any real config; a bigger file is not one. */
  static final int MAX_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path path;
  private final ObjectNode auths;

  private DockerConfigFile(Path path, ObjectNode auths) {
    this.path = path;
    this.auths = auths;
  }

  /** Reads the file; a problem is an {@link InputException} naming the file, never its content. */
  public static DockerConfigFile read(Path path) throws InputException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new InputException(
          path + ": cannot read the Docker config file (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_BYTES) {
      throw new InputException(path + ": larger than 1 MiB, which no Docker config file is");
    }
    JsonNode root;
    try {
      root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The parser's message may quote the file: only where it failed.
      throw new InputException(path + ": not JSON (a Docker config file is {\"auths\": {...}})");
    }
    JsonNode auths = root == null ? null : root.get("auths");
    if (!(auths instanceof ObjectNode object) || object.isEmpty()) {
      throw new InputException(
          path
              + ": no \"auths\" entries (with a credsStore or credHelpers, docker login keeps"
              + " the credentials outside the file: log in with a config that has none, e.g."
              + " DOCKER_CONFIG=$(mktemp -d) docker login HOST)");
    }
    return new DockerConfigFile(path, object);
  }

  public Path path() {
    return path;
  }

  /**
   * The {@code .dockerconfigjson} of a pull secret for {@code server}: the file's entry whose key
   * names the same registry (scheme and trailing path ignored, Docker Hub's aliases alike), alone.
   */
  public Optional<byte[]> pullSecretFor(String server) {
    String wanted = host(server);
    for (Map.Entry<String, JsonNode> entry : auths.properties()) {
      if (host(entry.getKey()).equals(wanted) && entry.getValue().isObject()) {
        ObjectNode config = JSON.createObjectNode();
        config.putObject("auths").set(server, entry.getValue());
        return Optional.of(config.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** The registry host of a config key or server, Docker Hub's names made one. */
  static String host(String key) {
    String host = key.toLowerCase(Locale.ROOT).strip();
    host = host.replaceFirst("^[a-z]+://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return switch (host) {
      case "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" ->
          "docker.io";
      default -> host;
    };
  }
}
