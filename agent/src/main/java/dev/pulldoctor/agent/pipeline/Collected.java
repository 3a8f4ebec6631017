package dev.pulldoctor.agent.pipeline;

import dev.pulldoctor.agent.render.SourceLocations;
import dev.pulldoctor.rules.model.Snapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a source gave after discovery and probes, ready for the rules.
 *
 * @param snapshot the objects with what Airbyte's API listed and what the registries answered
 * @param locations where each object came from (a file and line, a bundle entry, a cluster URI)
 * @param images the images the rules check; empty to take those the diagnosis finds
 * @param offline whether the rules may not make network calls (always so for a bundle)
 * @param serverVersion the Kubernetes API server's version, when asked for and known
 */
public record Collected(
    Snapshot snapshot,
    SourceLocations locations,
    List<String> images,
    boolean offline,
    @Nullable String serverVersion) {
  public Collected {
    images = List.copyOf(images);
  }
}
