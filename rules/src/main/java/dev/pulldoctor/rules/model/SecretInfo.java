package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.pullsecret.DockerConfigParser;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What pulldoctor keeps of a Secret: its identity, type and key names, and for secrets that look
 * like pull secrets a redacted {@link PullSecretView}. Secret values are never kept.
 */
public record SecretInfo(
    String namespace,
    String name,
    String type,
    List<String> dataKeys,
    @Nullable Instant createdAt,
    @Nullable PullSecretView pullSecret) {

  public SecretInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    dataKeys = List.copyOf(dataKeys);
  }

  /**
   * Reduces a Secret to what pulldoctor keeps. {@code stringData} (only found in hand-written
   * manifests) is merged over {@code data}, as the API server does on write.
   */
  public static SecretInfo from(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    Map<String, String> stringData =
        secret.getStringData() == null ? Map.of() : secret.getStringData();
    TreeSet<String> keys = new TreeSet<>(data.keySet());
    keys.addAll(stringData.keySet());
    String type =
        secret.getType() == null || secret.getType().isEmpty() ? "Opaque" : secret.getType();
    return new SecretInfo(
        Objects.requireNonNullElse(secret.getMetadata().getNamespace(), ""),
        secret.getMetadata().getName(),
        type,
        List.copyOf(keys),
        parseTime(secret.getMetadata().getCreationTimestamp()),
        DockerConfigParser.parse(type, data, stringData));
  }

  private static @Nullable Instant parseTime(@Nullable String timestamp) {
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
