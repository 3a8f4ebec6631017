package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The platforms of a manifest found: those an image index lists, or the {@code os} and {@code
 * architecture} of a single image's config blob, asked for when its digest is well-formed.
 */
final class PlatformStep {
  private static final ObjectMapper JSON = new ObjectMapper();

  // OCI image-spec descriptor digest grammar
  private static final Pattern DIGEST =
      Pattern.compile("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}$");

  private final RegistryHttpClient http;
  private final RegistryEndpoint registry;

  PlatformStep(RegistryHttpClient http, RegistryEndpoint registry) {
    this.http = http;
    this.registry = registry;
  }

  /**
   * The manifest found in {@code response} to {@code GET /v2/<path>/manifests/<reference>}, with
   * its platforms when pulldoctor can learn them.
   */
  Manifest found(String path, HttpResponse response, @Nullable String authorization) {
    String digest = response.header("docker-content-digest");
    String mediaType = response.header("content-type");
    if (response.truncated()) {
      return ProbeFindings.platformUnknown(
          mediaType,
          digest,
          "the manifest exists; it is larger than pulldoctor reads, so its platforms are unknown");
    }
    JsonNode manifest;
    try {
      manifest = JSON.readTree(response.body());
    } catch (IOException e) {
      return ProbeFindings.platformUnknown(
          mediaType, digest, "the manifest exists but is not valid JSON");
    }
    String type = manifest.path("mediaType").asText(mediaType == null ? "" : mediaType);
    if (manifest.path("manifests").isArray()) {
      List<Platform> platforms = new ArrayList<>();
      for (JsonNode entry : manifest.path("manifests")) {
        Platform platform = platform(entry.path("platform"));
        if (platform != null && !platforms.contains(platform)) {
          platforms.add(platform);
        }
      }
      return Manifest.found(
          type,
          digest,
          true,
          platforms,
          "an image index with " + platforms.size() + " platform(s)");
    }
    String config = manifest.path("config").path("digest").asText("");
    if (!config.isEmpty() && !DIGEST.matcher(config).matches()) {
      // The registry's text goes into the next request's path: only a well-formed digest may.
      return ProbeFindings.platformUnknown(
          type,
          digest,
          "a manifest whose config digest is not a valid digest: its platform is unknown");
    }
    if (config.isEmpty()) {
      return ProbeFindings.platformUnknown(
          type, digest, "a manifest without a config blob (schema 1?): its platform is unknown");
    }
    return singlePlatform(path, config, type, digest, authorization);
  }

  /** A single-platform image: its platform is in the config blob. */
  private Manifest singlePlatform(
      String path,
      String config,
      String type,
      @Nullable String digest,
      @Nullable String authorization) {
    URI blobUri = registry.uri("/v2/" + path + "/blobs/" + config);
    HttpRequest request = HttpRequest.get(blobUri).authorization(authorization);
    try {
      HttpResponse blob = http.send(request, new Trace());
      Platform platform =
          blob.success() && !blob.truncated() ? platform(JSON.readTree(blob.body())) : null;
      return Manifest.found(
          type,
          digest,
          false,
          platform == null ? List.of() : List.of(platform),
          platform == null
              ? "a single-platform image whose config blob could not be read ("
                  + blob.status()
                  + ")"
              : "a single-platform image");
    } catch (ProbeException e) {
      return ProbeFindings.platformUnknown(
          type,
          digest,
          "a single-platform image; its config blob could not be read: "
              + (e.refusedByPolicy() ? "refused by pulldoctor's probe policy: " : "")
              + e.detail());
    } catch (IOException e) {
      return ProbeFindings.platformUnknown(
          type, digest, "a single-platform image whose config blob is not valid JSON");
    }
  }

  /**
   * The platform an index entry's {@code platform} or a config blob names, or null for none (or
   * {@code unknown}, which buildx's attestation manifests carry).
   */
  static @Nullable Platform platform(JsonNode node) {
    String os = node.path("os").asText("");
    String architecture = node.path("architecture").asText("");
    if (os.isEmpty() || architecture.isEmpty() || os.equals("unknown")) {
      return null;
    }
    String variant = node.path("variant").asText("");
    return new Platform(
        ProbeText.shorten(os, 40),
        ProbeText.shorten(architecture, 40),
        variant.isEmpty() ? null : ProbeText.shorten(variant, 40));
  }
}
