package dev.pulldoctor.agent.bundle;

import dev.pulldoctor.rules.model.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a bundle is made from.
 *
 * @param snapshot what was collected (secrets already reduced to views)
 * @param images the {@code --image} values, kept so that {@code analyze} checks the same images
 * @param offline whether the rules ran without network calls
 * @param generatedAt the time stamped on the report
 * @param toolVersion the pulldoctor version writing the bundle
 * @param serverVersion the Kubernetes API server's version, when known
 */
public record BundleRequest(
    Snapshot snapshot,
    List<String> images,
    boolean offline,
    Instant generatedAt,
    String toolVersion,
    @Nullable String serverVersion) {

  public BundleRequest {
    Objects.requireNonNull(snapshot, "snapshot");
    images = List.copyOf(images);
    Objects.requireNonNull(generatedAt, "generatedAt");
    Objects.requireNonNull(toolVersion, "toolVersion");
  }
}
