package dev.pulldoctor.agent.probe;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request of the probe's HTTP/1.1 client.
 *
 * @param followRedirects whether 3xx answers are followed (at most the policy's limit, each hop
 *     checked like the first; {@code Authorization} is dropped when the host changes)
 */
record HttpRequest(String method, URI uri, Map<String, String> headers, boolean followRedirects) {

  HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    headers = Map.copyOf(headers);
  }

  static HttpRequest get(URI uri) {
    return new HttpRequest("GET", uri, Map.of(), true);
  }

  HttpRequest method(String name) {
    return new HttpRequest(name, uri, headers, followRedirects);
  }

  HttpRequest header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new HttpRequest(method, uri, copy, followRedirects);
  }

  /** This request with an {@code Authorization} header, or as it is when there is none. */
  HttpRequest authorization(@Nullable String value) {
    return value == null ? this : header("Authorization", value);
  }

  HttpRequest noRedirects() {
    return new HttpRequest(method, uri, headers, false);
  }

  /** Hides header values (Authorization), should a request ever be printed. */
  @Override
  public String toString() {
    return "HttpRequest[" + method + " " + uri + "]";
  }
}
