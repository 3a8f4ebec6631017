package dev.pulldoctor.rules.helm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Helm 3 release record as Helm's secrets driver writes it: the Secret's {@code
 * data.release} is (Kubernetes) base64 of Helm's text, which is base64 of gzip of the release JSON
 * (helm.sh/helm/v3 pkg/storage/driver/util.go, encodeRelease). Reads within fixed limits and keeps
 * only the release, its chart and the allow-listed values; problems are fixed sentences that never
 * quote the record.
 */
public final class HelmReleaseDecoder {
  /** The Secret type Helm 3 stores releases under. */
  public static final String SECRET_TYPE = "helm.sh/release.v1";

  /** Larger than any record the API server accepts (etcd's default request limit is 1.5 MiB). */
  static final int MAX_ENCODED_CHARS = 4 * 1024 * 1024;

  /** Release JSON larger than this is not read (a large chart's manifest is a few MiB). */
  static final int MAX_JSON_BYTES = 32 * 1024 * 1024;

  private static final int MAX_DEPTH = 64;
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(1000)
                  .maxStringLength(MAX_JSON_BYTES)
                  .build())
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private HelmReleaseDecoder() {}

  public static boolean isReleaseRecord(Secret secret) {
    return SECRET_TYPE.equals(secret.getType());
  }

  /** The record's release; a release with a {@link HelmRelease#problem} when it cannot be read. */
  public static HelmRelease decode(Secret secret) {
    Map<String, String> labels =
        secret.getMetadata().getLabels() == null ? Map.of() : secret.getMetadata().getLabels();
    String namespace = Objects.requireNonNullElse(secret.getMetadata().getNamespace(), "");
    Identity fromLabels =
        new Identity(
            labels.getOrDefault("name", nameFrom(secret.getMetadata().getName())),
            revision(labels.get("version"), secret.getMetadata().getName()),
            labels.getOrDefault("status", ""));
    String encoded = secret.getData() == null ? null : secret.getData().get("release");
    if (encoded == null) {
      return failed(fromLabels, namespace, "the Secret has no data key 'release'");
    }
    if (encoded.length() > MAX_ENCODED_CHARS) {
      return failed(
          fromLabels,
          namespace,
          "data.release is "
              + encoded.length() / (1024 * 1024)
              + " MiB, over the limit of "
              + MAX_ENCODED_CHARS / (1024 * 1024)
              + " MiB");
    }
    byte[] compressed;
    try {
      byte[] helmText = Base64.getMimeDecoder().decode(encoded);
      compressed = Base64.getMimeDecoder().decode(helmText);
    } catch (IllegalArgumentException e) {
      return failed(fromLabels, namespace, "data.release is not base64 of Helm's base64 text");
    }
    try (InputStream json = open(compressed)) {
      return read(json, fromLabels, namespace);
    } catch (TooLarge e) {
      return failed(
          fromLabels,
          namespace,
          "the release JSON is over the limit of " + MAX_JSON_BYTES / (1024 * 1024) + " MiB");
    } catch (ZipException e) {
      return failed(fromLabels, namespace, "the release is not valid gzip");
    } catch (IOException e) {
      return failed(fromLabels, namespace, "the release is not valid JSON");
    }
  }

  private static InputStream open(byte[] bytes) throws IOException {
    boolean gzip = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    InputStream raw = new ByteArrayInputStream(bytes);
    return new Limited(gzip ? new GZIPInputStream(raw) : raw, MAX_JSON_BYTES);
  }

  private static HelmRelease read(InputStream json, Identity fromLabels, String namespace)
      throws IOException {
    String name = fromLabels.name();
    int revision = fromLabels.revision();
    String status = fromLabels.status();
    String chartName = "";
    String chartVersion = "";
    String appVersion = null;
    Map<String, String> values = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "name" -> name = text(parser, value, name);
          case "version" ->
              revision = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : revision;
          case "info" -> status = field(parser, value, "status", status);
          case "chart" -> {
            Map<String, String> metadata = chartMetadata(parser, value);
            chartName = metadata.getOrDefault("name", chartName);
            chartVersion = metadata.getOrDefault("version", chartVersion);
            appVersion = metadata.getOrDefault("appVersion", appVersion);
          }
          case "config" -> walk(parser, value, new ArrayList<>(), values);
          default -> parser.skipChildren();
        }
      }
    }
    return new HelmRelease(
        name, namespace, revision, status, chartName, chartVersion, appVersion, values, null);
  }

  /** The string value of one field of an object; other fields skipped. */
  private static String field(JsonParser parser, JsonToken start, String wanted, String fallback)
      throws IOException {
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return fallback;
    }
    String found = fallback;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals(wanted)) {
        found = text(parser, value, fallback);
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }

  /** {@code chart.metadata}'s name, version and appVersion; templates and files skipped. */
  private static Map<String, String> chartMetadata(JsonParser parser, JsonToken start)
      throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return metadata;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!field.equals("metadata") || value != JsonToken.START_OBJECT) {
        parser.skipChildren();
        continue;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken v = parser.nextToken();
        if ((key.equals("name") || key.equals("version") || key.equals("appVersion"))
            && v == JsonToken.VALUE_STRING
            && parser.getTextLength() <= ValuesAllowList.MAX_VALUE_LENGTH) {
          metadata.put(key, parser.getText());
        } else {
          parser.skipChildren();
        }
      }
    }
    return metadata;
  }

  /** Walks the user's values, keeping only allow-listed scalars. */
  private static void walk(
      JsonParser parser, JsonToken token, List<String> path, Map<String, String> kept)
      throws IOException {
    if (path.size() > MAX_DEPTH) {
      parser.skipChildren();
      return;
    }
    if (token == JsonToken.START_OBJECT) {
      if (ValuesAllowList.isEnvEntry(path)) {
        envEntry(parser, path, kept);
        return;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        path.add(parser.currentName());
        walk(parser, parser.nextToken(), path, kept);
        path.remove(path.size() - 1);
      }
    } else if (token == JsonToken.START_ARRAY) {
      int index = 0;
      for (JsonToken item = parser.nextToken();
          item != JsonToken.END_ARRAY && item != null;
          item = parser.nextToken()) {
        path.add("[" + index++ + "]");
        walk(parser, item, path, kept);
        path.remove(path.size() - 1);
      }
    } else if (token != null && token.isScalarValue() && ValuesAllowList.keeps(path)) {
      scalar(parser, token).ifPresent(v -> kept.put(dotted(path), v));
    }
  }

  /** One {@code extraEnv} entry: its name and value, kept when the name is a JOB_KUBE_ variable. */
  private static void envEntry(JsonParser parser, List<String> path, Map<String, String> kept)
      throws IOException {
    String name = null;
    String value = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if (field.equals("name") && token.isScalarValue()) {
        name = scalar(parser, token).orElse(null);
      } else if (field.equals("value") && token.isScalarValue()) {
        value = scalar(parser, token).orElse(null);
      } else {
        parser.skipChildren();
      }
    }
    if (name != null && name.startsWith("JOB_KUBE_")) {
      kept.put(dotted(path) + ".name", name);
      if (value != null) {
        kept.put(dotted(path) + ".value", value);
      }
    }
  }

  private static Optional<String> scalar(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL
        || parser.getTextLength() > ValuesAllowList.MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(parser.getText());
  }

  private static String text(JsonParser parser, JsonToken token, String fallback)
      throws IOException {
    if (token == JsonToken.VALUE_STRING
        && parser.getTextLength() <= ValuesAllowList.MAX_VALUE_LENGTH) {
      return parser.getText();
    }
    parser.skipChildren();
    return fallback;
  }

  /** {@code global.imagePullSecrets[0].name} from its segments. */
  static String dotted(List<String> path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path) {
      if (!segment.startsWith("[") && out.length() > 0) {
        out.append('.');
      }
      out.append(segment);
    }
    return out.toString();
  }

  private static HelmRelease failed(Identity identity, String namespace, String problem) {
    return new HelmRelease(
        identity.name(),
        namespace,
        identity.revision(),
        identity.status(),
        "",
        "",
        null,
        Map.of(),
        problem);
  }

  /** {@code airbyte} of {@code sh.helm.release.v1.airbyte.v3}. */
  private static String nameFrom(@Nullable String secretName) {
    if (secretName == null || !secretName.startsWith("sh.helm.release.v1.")) {
      return "";
    }
    String rest = secretName.substring("sh.helm.release.v1.".length());
    int version = rest.lastIndexOf(".v");
    return version < 0 ? rest : rest.substring(0, version);
  }

  /** The revision from the {@code version} label, else the secret name's {@code .vN}. */
  public static int revision(@Nullable String label, @Nullable String secretName) {
    String text = label;
    if ((text == null || text.isEmpty()) && secretName != null) {
      int version = secretName.lastIndexOf(".v");
      text = version < 0 ? null : secretName.substring(version + 2);
    }
    if (text == null
        || text.isEmpty()
        || text.length() > 9
        || !text.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return Integer.parseInt(text);
  }

  private record Identity(String name, int revision, String status) {}

  /** Thrown by {@link Limited} past its limit. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** An input stream that fails once more than {@code limit} bytes have been read. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0 && ++count > limit) {
        throw new TooLarge();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0 && (count += n) > limit) {
        throw new TooLarge();
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
