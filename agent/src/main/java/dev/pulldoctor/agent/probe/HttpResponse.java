package dev.pulldoctor.agent.probe;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An HTTP answer with its body capped. */
final class HttpResponse {
  private final URI uri;
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final boolean truncated;

  /**
   * An answer.
   *
   * @param uri the URI that answered (after redirects)
   * @param headers lower-case names to values in order
   * @param truncated whether the body was longer than the cap and cut
   */
  HttpResponse(
      URI uri, int status, Map<String, List<String>> headers, byte[] body, boolean truncated) {
    this.uri = uri;
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body.clone();
    this.truncated = truncated;
  }

  URI uri() {
    return uri;
  }

  int status() {
    return status;
  }

  boolean truncated() {
    return truncated;
  }

  @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  byte[] body() {
    return body.clone();
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  boolean success() {
    return status >= 200 && status < 300;
  }
}
