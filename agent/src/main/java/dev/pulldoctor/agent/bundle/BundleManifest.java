package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.SourceType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code manifest.json} tells the reader of a bundle. The file holds more (cluster facts, what
 * was collected and left out, the redaction list, file checksums) for people; this is what {@code
 * analyze} needs.
 *
 * @param formatVersion the bundle format; readers accept up to {@link #FORMAT_VERSION}
 * @param toolVersion the pulldoctor version that wrote the bundle
 * @param capturedAt when the objects were read
 * @param sourceType where they were read from (cluster or manifests)
 * @param context the kubeconfig context or manifest paths, if known
 * @param namespace the Airbyte namespace
 * @param images the images named with {@code --image} when the bundle was created
 * @param collectionErrors the reads that failed
 * @param redactions how many values were left out
 */
public record BundleManifest(
    int formatVersion,
    String toolVersion,
    Instant capturedAt,
    SourceType sourceType,
    @Nullable String context,
    String namespace,
    List<String> images,
    List<CollectionError> collectionErrors,
    int redactions) {

  /** The bundle format this pulldoctor writes, and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  static final String API_VERSION = "pulldoctor/v1";
  static final String KIND = "SupportBundle";

  public BundleManifest {
    images = List.copyOf(images);
    collectionErrors = List.copyOf(collectionErrors);
  }

  static BundleManifest read(ObjectNode node) throws BundleFormatException {
    if (!API_VERSION.equals(node.path("apiVersion").asText())
        || !KIND.equals(node.path("kind").asText())) {
      throw new BundleFormatException(
          "manifest.json is not a pulldoctor bundle manifest (kind SupportBundle)");
    }
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
      throw new BundleFormatException("manifest.json has no formatVersion");
    }
    int format = version.intValue();
    String writer = node.path("tool").path("version").asText("unknown");
    if (format > FORMAT_VERSION) {
      throw new BundleFormatException(
          "the bundle has format version "
              + format
              + " (written by pulldoctor "
              + safe(writer)
              + "); this pulldoctor reads format "
              + FORMAT_VERSION
              + " and older: upgrade pulldoctor to analyze it");
    }
    if (format < 1) {
      throw new BundleFormatException("manifest.json has an invalid formatVersion");
    }
    JsonNode source = node.path("source");
    List<String> images = new ArrayList<>();
    for (JsonNode image : node.path("images")) {
      images.add(text(image, "images"));
    }
    List<CollectionError> errors = new ArrayList<>();
    for (JsonNode error : node.path("collectionErrors")) {
      errors.add(
          new CollectionError(
              text(error.path("resource"), "collectionErrors.resource"),
              error.path("apiGroup").asText(""),
              error.hasNonNull("namespace")
                  ? text(error.get("namespace"), "collectionErrors.namespace")
                  : null,
              text(error.path("verb"), "collectionErrors.verb"),
              error.path("httpStatus").asInt(),
              text(error.path("reason"), "collectionErrors.reason")));
    }
    return new BundleManifest(
        format,
        writer,
        time(node.path("capturedAt")),
        sourceType(source.path("type").asText()),
        source.hasNonNull("context") ? text(source.get("context"), "source.context") : null,
        text(source.path("namespace"), "source.namespace"),
        images,
        errors,
        node.path("redactions").size());
  }

  private static SourceType sourceType(String word) throws BundleFormatException {
    for (SourceType type : SourceType.values()) {
      if (type.word().equals(word)) {
        return type;
      }
    }
    throw new BundleFormatException("manifest.json: unknown source type");
  }

  private static Instant time(JsonNode node) throws BundleFormatException {
    try {
      return Instant.parse(text(node, "capturedAt"));
    } catch (DateTimeParseException e) {
      throw new BundleFormatException("manifest.json: capturedAt is not an RFC 3339 time");
    }
  }

  private static String text(JsonNode node, String field) throws BundleFormatException {
    if (!node.isTextual()) {
      throw new BundleFormatException("manifest.json: " + field + " is missing or not a string");
    }
    return node.asText();
  }

  /** Version strings come from the bundle: keep them short and printable. */
  private static String safe(String text) {
    String printable = text.replaceAll("[^\\x21-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
