package dev.pulldoctor.rules.airbyte;

import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.InvalidImageReferenceException;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A connector image under diagnosis.
 *
 * @param requested the image as the user or Airbyte named it (for {@code --image}: the registered
 *     {@code dockerRepository:tag})
 * @param effective the image a job pod pulls, after the connector image registry rewrite
 * @param origin how pulldoctor learned of it
 * @param pods job pods that run it, if any were seen
 * @param connectors the custom connectors Airbyte's API lists with this image, if it was asked
 */
public record TargetImage(
    String requested,
    String effective,
    Origin origin,
    List<ObjectRef> pods,
    List<CustomConnector> connectors) {

  /** How an image came to be checked. */
  public enum Origin {
    /** Named with {@code --image}. */
    FLAG,
    /** Run by a connector job pod. */
    POD,
    /** Named in a pull event of a connector job pod that may be gone. */
    EVENT,
    /** Registered in Airbyte as a custom connector, found through Airbyte's API. */
    AIRBYTE_API
  }

  public TargetImage {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(effective, "effective");
    Objects.requireNonNull(origin, "origin");
    pods = List.copyOf(pods);
    connectors = List.copyOf(connectors);
  }

  /** An image no custom connector listed by Airbyte's API is known to use. */
  public TargetImage(String requested, String effective, Origin origin, List<ObjectRef> pods) {
    this(requested, effective, origin, pods, List.of());
  }

  /** The parsed effective image, empty when the reference is invalid. */
  public Optional<ImageReference> reference() {
    return ImageReference.tryParse(effective);
  }

  /** Why the effective reference is invalid, in distribution/reference's words; null when valid. */
  public @Nullable String invalidReason() {
    try {
      ImageReference.parse(effective);
      return null;
    } catch (InvalidImageReferenceException e) {
      return e.getMessage();
    }
  }

  public boolean rewritten() {
    return !requested.equals(effective);
  }
}
