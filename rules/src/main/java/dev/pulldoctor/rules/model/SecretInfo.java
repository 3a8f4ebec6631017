package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import dev.pulldoctor.rules.pullsecret.DockerConfigParser;
import dev.pulldoctor.rules.pullsecret.PullSecretView;
import dev.pulldoctor.rules.pullsecret.SecretFingerprint;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What pulldoctor keeps of a Secret: its identity, type and key names, and for secrets that look
 * like pull secrets a redacted {@link PullSecretView}. Secret values are never kept, only their
 * {@link SecretFingerprint}s (keyed per process), so that a support bundle can compare the values
 * of its pull secrets.
 *
 * @param createdAt {@code metadata.creationTimestamp}
 * @param lastWrittenAt the newest {@code metadata.managedFields[].time}: a secret refreshed in
 *     place ({@code kubectl apply}) keeps its creationTimestamp, so only this shows the refresh;
 *     null when the input has no managedFields
 * @param valueFingerprints key → {@link SecretFingerprint} of the decoded value; empty when unknown
 */
public record SecretInfo(
    String namespace,
    String name,
    String type,
    List<String> dataKeys,
    @Nullable Instant createdAt,
    @Nullable Instant lastWrittenAt,
    @Nullable PullSecretView pullSecret,
    Map<String, String> valueFingerprints) {

  public SecretInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    dataKeys = List.copyOf(dataKeys);
    valueFingerprints = Collections.unmodifiableMap(new TreeMap<>(valueFingerprints));
  }

  /**
   * The type given to a Secret whose data was not read: a live collection reads the data of pull
   * secrets and Helm release records only, so any other Secret is known by its metadata alone.
   */
  public static final String TYPE_NOT_READ = "(not read: not a pull-secret type)";

  /**
   * A Secret known by its metadata alone (a metadata-only LIST): its name and write times, no type,
   * keys or values. It is of none of the types whose data is read, so it is no pull secret.
   */
  public static SecretInfo metadataOnly(
      String namespace, String name, @Nullable Instant createdAt, @Nullable Instant lastWrittenAt) {
    return new SecretInfo(
        namespace, name, TYPE_NOT_READ, List.of(), createdAt, lastWrittenAt, null, Map.of());
  }

  /** Whether only the metadata of this Secret was read ({@link #metadataOnly}). */
  public boolean dataNotRead() {
    return TYPE_NOT_READ.equals(type);
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
        DockerConfigParser.parse(type, data, stringData),
        // A Helm release record holds all the user's values, passwords included: nothing derived
        // from it is kept here (HelmReleaseDecoder keeps the allow-listed keys).
        HelmReleaseDecoder.SECRET_TYPE.equals(type) ? Map.of() : fingerprints(data, stringData));
  }

  /** Fingerprints of the values as the API server stores them: decoded, stringData winning. */
  private static Map<String, String> fingerprints(
      Map<String, String> data, Map<String, String> stringData) {
    Map<String, String> fingerprints = new TreeMap<>();
    data.forEach((key, encoded) -> fingerprints.put(key, fingerprintOfEncoded(encoded)));
    stringData.forEach(
        (key, value) ->
            fingerprints.put(
                key,
                SecretFingerprint.of(
                    (value == null ? "" : value).getBytes(StandardCharsets.UTF_8))));
    return fingerprints;
  }

  private static String fingerprintOfEncoded(@Nullable String encoded) {
    String text = encoded == null ? "" : encoded;
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      // Hand-written manifests may hold text that is not base64: fingerprint it as written.
      bytes = text.getBytes(StandardCharsets.UTF_8);
    }
    String fingerprint = SecretFingerprint.of(bytes);
    Arrays.fill(bytes, (byte) 0);
    return fingerprint;
  }
}
