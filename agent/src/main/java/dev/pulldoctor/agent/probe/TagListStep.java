package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v2/<name>/tags/list}, asked when a manifest is not found: registries (distribution
 * among them) say {@code MANIFEST_UNKNOWN} for a tag of a repository that does not exist either,
 * and the tag list tells the two apart and names real tags.
 */
final class TagListStep {
  /** The most tags named in a finding. */
  static final int TAGS_SHOWN = 10;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");

  private final RegistryHttpClient http;
  private final RegistryEndpoint registry;

  TagListStep(RegistryHttpClient http, RegistryEndpoint registry) {
    this.http = http;
    this.registry = registry;
  }

  /**
   * What the tag list says.
   *
   * @param missingRepository the registry said {@code NAME_UNKNOWN}
   * @param names up to {@link #TAGS_SHOWN} well-formed tags; null when the list could not be read
   * @param errors the registry's error when it answered 404
   */
  record TagList(boolean missingRepository, @Nullable List<String> names, RegistryErrors errors) {
    static final TagList UNKNOWN = new TagList(false, null, RegistryErrors.NONE);
  }

  TagList list(String path, @Nullable String authorization, List<String> secrets) {
    HttpRequest request =
        HttpRequest.get(registry.uri("/v2/" + path + "/tags/list?n=" + TAGS_SHOWN))
            .authorization(authorization);
    try {
      HttpResponse response = http.send(request, new Trace());
      if (response.status() == 404) {
        RegistryErrors errors = RegistryErrors.of(response, secrets);
        return new TagList("NAME_UNKNOWN".equals(errors.code()), null, errors);
      }
      if (!response.success() || response.truncated()) {
        return TagList.UNKNOWN;
      }
      return new TagList(false, names(response.body()), RegistryErrors.NONE);
    } catch (ProbeException | IOException e) {
      return TagList.UNKNOWN;
    }
  }

  /** The first {@link #TAGS_SHOWN} well-formed tags of a tag list body. */
  static List<String> names(byte[] body) throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode tag : JSON.readTree(body).path("tags")) {
      String name = tag.asText("");
      if (TAG.matcher(name).matches() && names.size() < TAGS_SHOWN) {
        names.add(name);
      }
    }
    return names;
  }
}
