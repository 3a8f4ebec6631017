package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The first error of a Registry API error body, {@code {"errors":[{"code":"…","message":"…"}]}}
 * (distribution spec): its code when it is a well-formed code, and its message made fit for a
 * report ({@link ProbeText#scrub}).
 */
record RegistryErrors(@Nullable String code, @Nullable String message) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CODE = Pattern.compile("^[A-Z][A-Z_]{0,39}$");

  static final RegistryErrors NONE = new RegistryErrors(null, null);

  /** Reads the body; anything that is not such an error body gives {@link #NONE}. */
  static RegistryErrors of(HttpResponse response, List<String> secrets) {
    if (response.truncated() || response.body().length == 0) {
      return NONE;
    }
    try {
      JsonNode errors = JSON.readTree(response.body()).path("errors");
      if (!errors.isArray() || errors.isEmpty()) {
        return NONE;
      }
      JsonNode first = errors.get(0);
      String code = first.path("code").asText("");
      String message = first.path("message").isTextual() ? first.path("message").asText() : null;
      return new RegistryErrors(
          CODE.matcher(code).matches() ? code : null, ProbeText.scrub(message, secrets));
    } catch (IOException | RuntimeException e) {
      // Not an error body; Jackson's message could quote it, so it is not kept.
      return NONE;
    }
  }
}
