package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Pushes small test images through the Registry API (monolithic blob uploads, then manifests), as
 * {@code docker push} would: a single-platform image, and an index of several.
 */
final class ImagePusher {
  static final String MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final String authorization;

  /**
   * A pusher.
   *
   * @param authorization the Authorization header value allowed to push
   */
  ImagePusher(SSLContext trust, String registry, String authorization) {
    this.http =
        HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    this.base = "https://" + registry;
    this.authorization = authorization;
  }

  /** Pushes an image for one platform under {@code reference} (a tag or nothing); its digest. */
  String pushImage(String repository, String reference, String os, String architecture)
      throws IOException, InterruptedException {
    byte[] layer =
        ("layer of " + repository + " for " + architecture).getBytes(StandardCharsets.UTF_8);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", architecture);
    config.put("os", os);
    config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(digest(layer))));
    byte[] configBytes = JSON.writeValueAsBytes(config);
    pushBlob(repository, layer);
    pushBlob(repository, configBytes);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST);
    manifest.put(
        "config",
        Map.of(
            "mediaType",
            "application/vnd.docker.container.image.v1+json",
            "size",
            configBytes.length,
            "digest",
            digest(configBytes)));
    manifest.put(
        "layers",
        List.of(
            Map.of(
                "mediaType",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size",
                layer.length,
                "digest",
                digest(layer))));
    byte[] bytes = JSON.writeValueAsBytes(manifest);
    String digest = digest(bytes);
    putManifest(repository, reference == null ? digest : reference, MANIFEST, bytes);
    return digest;
  }

  /** Pushes one image per architecture (linux) and an index of them under {@code tag}. */
  void pushIndex(String repository, String tag, List<String> architectures)
      throws IOException, InterruptedException {
    List<Map<String, Object>> entries = new java.util.ArrayList<>();
    for (String architecture : architectures) {
      String digest = pushImage(repository, null, "linux", architecture);
      int size = manifestSize(repository, digest);
      entries.add(
          Map.of(
              "mediaType",
              MANIFEST,
              "size",
              size,
              "digest",
              digest,
              "platform",
              Map.of("architecture", architecture, "os", "linux")));
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", LIST);
    index.put("manifests", entries);
    putManifest(repository, tag, LIST, JSON.writeValueAsBytes(index));
  }

  private int manifestSize(String repository, String digest)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            request(base + "/v2/" + repository + "/manifests/" + digest)
                .header("Accept", MANIFEST)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    check(response, 200);
    return response.body().length;
  }

  private void pushBlob(String repository, byte[] blob) throws IOException, InterruptedException {
    HttpResponse<String> start =
        http.send(
            request(base + "/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(start, 202);
    String location = start.headers().firstValue("Location").orElseThrow();
    URI upload = URI.create(base).resolve(location);
    String separator = upload.getRawQuery() == null ? "?" : "&";
    HttpResponse<String> put =
        http.send(
            request(upload + separator + "digest=" + digest(blob))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(put, 201);
  }

  private void putManifest(String repository, String reference, String mediaType, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<String> put =
        http.send(
            request(base + "/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(put, 201);
  }

  private HttpRequest.Builder request(String uri) {
    return HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", authorization);
  }

  private static void check(HttpResponse<?> response, int expected) throws IOException {
    if (response.statusCode() != expected) {
      throw new IOException(
          response.request().method()
              + " "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
  }

  static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
