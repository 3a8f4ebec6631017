package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.pullsecret.DockerConfigParser;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What pulldoctor keeps of a Secret: its identity, type and key names, and for secrets that look
 * like pull secrets a redacted {@link PullSecretView}. Secret values are never kept.
 *
 * @param createdAt {@code metadata.creationTimestamp}
 * @param lastWrittenAt the newest {@code metadata.managedFields[].time}: a secret refreshed in
 *     place ({@code kubectl apply}) keeps its creationTimestamp, so only this shows the refresh;
 *     null when the input has no managedFields
 */
public record SecretInfo(
    String namespace,
    String name,
    String type,
    List<String> dataKeys,
    @Nullable Instant createdAt,
    @Nullable Instant lastWrittenAt,
    @Nullable PullSecretView pullSecret) {

  public SecretInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    dataKeys = List.copyOf(dataKeys);
  }

  /** A view without a last-write time, for inputs that carry no managedFields. */
  public SecretInfo(
      String namespace,
      String name,
      String type,
      List<String> dataKeys,
      @Nullable Instant createdAt,
      @Nullable PullSecretView pullSecret) {
    this(namespace, name, type, dataKeys, createdAt, null, pullSecret);
  }

  /** The newest of {@link #lastWrittenAt} and {@link #createdAt}: when the payload last changed. */
  public @Nullable Instant writtenAt() {
    if (lastWrittenAt == null) {
      return createdAt;
    }
    return createdAt == null || lastWrittenAt.isAfter(createdAt) ? lastWrittenAt : createdAt;
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
        WriteTimes.created(secret.getMetadata()),
        WriteTimes.lastWritten(secret.getMetadata()),
        DockerConfigParser.parse(type, data, stringData));
  }
}
