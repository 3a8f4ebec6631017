package dev.pulldoctor.rules.model;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When an object was created and last written. The API server stamps each field manager's entry in
 * {@code metadata.managedFields} with the time of its last write, so the newest entry tells when an
 * object was last changed in place ({@code kubectl apply}, {@code patch}), which {@code
 * creationTimestamp} does not.
 */
public final class WriteTimes {
  private WriteTimes() {}

  /** {@code metadata.creationTimestamp}, null when absent or unparsable. */
  public static @Nullable Instant created(@Nullable ObjectMeta metadata) {
    return metadata == null ? null : parse(metadata.getCreationTimestamp());
  }

  /**
   * The newest {@code metadata.managedFields[].time}, null when there is none: {@code kubectl get
   * -o yaml} hides managedFields unless given {@code --show-managed-fields}.
   */
  public static @Nullable Instant lastWritten(@Nullable ObjectMeta metadata) {
    List<ManagedFieldsEntry> entries = metadata == null ? null : metadata.getManagedFields();
    if (entries == null) {
      return null;
    }
    return entries.stream()
        .filter(Objects::nonNull)
        .map(e -> parse(e.getTime()))
        .filter(Objects::nonNull)
        .max(Instant::compareTo)
        .orElse(null);
  }

  /** A Kubernetes timestamp (RFC 3339), null when absent, blank or unparsable. */
  public static @Nullable Instant parse(@Nullable String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
