package dev.pulldoctor.rules.pullsecret;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a pull-secret payload the way Go's {@code encoding/json} fills the kubelet's {@code
 * DockerConfigJSON} / {@code DockerConfig} types. Streaming rather than a tree, to keep Go's
 * semantics: field names match case-insensitively, the last duplicate wins, a repeated {@code
 * auths} adds to the first and {@code null} leaves a field as it was (or resets {@code auths}).
 *
 * <p>Jackson's exception messages quote the offending token, which can be a password (CVE-2020-8564
 * is this mistake in the kubelet), so only the position of an error is kept.
 */
final class ConfigJsonReader {
  private static final int MAX_NESTING = 10_000; // Go's encoding/json limit

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING)
                  // Go has no limits on these; the payload size cap bounds them instead.
                  .maxNumberLength(DockerConfigParser.MAX_PAYLOAD)
                  .maxStringLength(DockerConfigParser.MAX_PAYLOAD)
                  .maxNameLength(DockerConfigParser.MAX_PAYLOAD)
                  .build())
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          // Payload text must not outlive the parse: canonicalising keeps field names in a table
          // shared by all parsers of the factory, and pooled buffers keep copies of the input.
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
          .build();

  private static final String INVALID_JSON =
      "the payload is not valid JSON: the kubelet rejects the whole secret, so every pull of the"
          + " pod fails";
  private static final String NOT_OBJECT = "the payload is not a JSON object";
  private static final String AUTHS_NOT_OBJECT = "'auths' is not a JSON object";
  private static final String HEADERS_NOT_STRINGS = "'HttpHeaders' is not an object of strings";
  private static final String MISSING_AUTHS =
      "the payload has no 'auths' object, so the kubelet finds no credentials in it";
  private static final String EMPTY_AUTHS = "'auths' has no registry entries";
  private static final String EMPTY_DOCKERCFG = "the payload has no registry entries";
  private static final String AUTHS_IN_DOCKERCFG =
      "the payload has the .dockerconfigjson shape {\"auths\": …} but the secret type is"
          + " kubernetes.io/dockercfg: the kubelet takes 'auths' for a registry name";
  private static final String CREDS_STORE =
      "'credsStore' names a credential helper: the kubelet does not run credential helpers";
  private static final String CRED_HELPERS =
      "'credHelpers' names credential helpers: the kubelet does not run credential helpers";

  private final JsonParser parser;
  private final CredentialCollector out;

  /** Registry entries met since the start or the last {@code "auths": null}. */
  private int entries;

  private ConfigJsonReader(JsonParser parser, CredentialCollector out) {
    this.parser = parser;
    this.out = out;
  }

  /**
   * Reads {@code payload} into {@code out}.
   *
   * @return an {@link ProblemCode#INVALID_JSON} problem when the payload is not JSON at all, in
   *     which case {@code out} must be discarded, as Go rejects such input before decoding any of
   *     it
   */
  static @Nullable ParseProblem read(
      String payload, PullSecretFormat format, CredentialCollector out) {
    try (JsonParser parser = JSON.createParser(payload)) {
      ConfigJsonReader reader = new ConfigJsonReader(parser, out);
      JsonToken first = parser.nextToken();
      if (first == null) {
        return invalidJson(parser.currentLocation());
      }
      if (format == PullSecretFormat.DOCKER_CONFIG_JSON) {
        reader.readConfigJson(first);
      } else {
        reader.readDockerCfg(first);
      }
      return parser.nextToken() == null ? null : invalidJson(parser.currentTokenLocation());
    } catch (JsonProcessingException e) {
      return invalidJson(e.getLocation());
    } catch (IOException e) {
      return invalidJson(null);
    }
  }

  private static ParseProblem invalidJson(@Nullable JsonLocation location) {
    int line = location == null ? 0 : Math.max(0, location.getLineNr());
    int column = line == 0 || location == null ? 0 : Math.max(0, location.getColumnNr());
    return new ParseProblem(ProblemCode.INVALID_JSON, null, INVALID_JSON, line, column);
  }

  /**
   * Whether the payload, which starts with {@code first}, is a JSON object; when it is not, files
   * the problem the kubelet meets: a {@code null} payload holds no entries ({@code nullCode}), any
   * other value has the wrong shape.
   */
  private boolean payloadIsObject(JsonToken first, ProblemCode nullCode, String nullMessage)
      throws IOException {
    if (first == JsonToken.VALUE_NULL) {
      out.problem(nullCode, nullMessage);
      return false;
    }
    if (first != JsonToken.START_OBJECT) {
      out.problem(ProblemCode.WRONG_JSON_SHAPE, NOT_OBJECT);
      parser.skipChildren();
      return false;
    }
    return true;
  }

  /** {@code .dockerconfigjson}: {@code {"auths": {key: entry}, "HttpHeaders": {…}}}. */
  private void readConfigJson(JsonToken first) throws IOException {
    if (!payloadIsObject(first, ProblemCode.MISSING_AUTHS, MISSING_AUTHS)) {
      return;
    }
    boolean authsRead = false;
    boolean authsBroken = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = GoJsonNames.fold(parser.currentName());
      JsonToken value = parser.nextToken();
      if (name.equals("AUTHS") && value == JsonToken.START_OBJECT) {
        authsRead = true;
        readEntries();
      } else if (name.equals("AUTHS") && value == JsonToken.VALUE_NULL) {
        authsRead = false;
        entries = 0;
        out.clearEntries();
      } else if (name.equals("AUTHS")) {
        authsBroken = true;
        out.problem(ProblemCode.WRONG_JSON_SHAPE, AUTHS_NOT_OBJECT);
        parser.skipChildren();
      } else if (name.equals("HTTPHEADERS")) {
        checkHeaders(value);
      } else if (!credentialHelper(name, null)) {
        parser.skipChildren();
      }
    }
    if (!authsRead && !authsBroken) {
      out.problem(ProblemCode.MISSING_AUTHS, MISSING_AUTHS);
    } else if (authsRead && entries == 0) {
      out.problem(ProblemCode.EMPTY_AUTHS, EMPTY_AUTHS);
    }
  }

  /** Legacy {@code .dockercfg}: a flat {@code {key: entry}} map. */
  private void readDockerCfg(JsonToken first) throws IOException {
    if (!payloadIsObject(first, ProblemCode.EMPTY_AUTHS, EMPTY_DOCKERCFG)) {
      return;
    }
    boolean explained = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      String name = GoJsonNames.fold(key);
      JsonToken value = parser.nextToken();
      if (name.equals("AUTHS") && value == JsonToken.START_OBJECT) {
        // The kubelet would file an entry named "auths" with no credentials; say why instead.
        out.problem(ProblemCode.AUTHS_IN_DOCKERCFG, AUTHS_IN_DOCKERCFG);
        readUnlistedEntry(key);
        explained = true;
      } else if (credentialHelper(name, key)) {
        explained = true;
      } else {
        readEntry(key, value);
      }
    }
    if (!explained && entries == 0) {
      out.problem(ProblemCode.EMPTY_AUTHS, EMPTY_DOCKERCFG);
    }
  }

  /**
   * Reports and skips {@code credsStore} / {@code credHelpers}. In a {@code .dockercfg} ({@code
   * entryKey} set) the kubelet reads them as registry entries, which fail unless they are objects.
   */
  private boolean credentialHelper(String name, @Nullable String entryKey) throws IOException {
    boolean store = name.equals("CREDSSTORE");
    if (!store && !name.equals("CREDHELPERS")) {
      return false;
    }
    out.problem(ProblemCode.CREDENTIAL_HELPER_IGNORED, store ? CREDS_STORE : CRED_HELPERS);
    JsonToken value = parser.currentToken();
    if (entryKey != null && value == JsonToken.START_OBJECT) {
      readUnlistedEntry(entryKey);
      return true;
    }
    if (entryKey != null && value != JsonToken.VALUE_NULL) {
      out.entryProblem(ProblemCode.WRONG_JSON_SHAPE, entryKey, EntryReader.NOT_OBJECT);
    }
    parser.skipChildren();
    return true;
  }

  /**
   * Reads the object under a {@code .dockercfg} key that pulldoctor explains rather than lists
   * ({@code auths}, {@code credsStore}, {@code credHelpers}). The kubelet decodes it as a registry
   * entry like any other, so a field of it named like an entry field ({@code auth}, {@code
   * username}, {@code password}, {@code email}, in any letter case) with the wrong JSON type, or an
   * {@code auth} that does not decode, fails its {@code json.Unmarshal} and with it the whole
   * secret. Only those fatal problems are kept: the entry itself is not listed.
   */
  private void readUnlistedEntry(String key) throws IOException {
    CredentialCollector unlisted = new CredentialCollector();
    EntryReader.read(parser, unlisted, key, JsonToken.START_OBJECT);
    for (ParseProblem problem : unlisted.problems()) {
      if (problem.fatal()) {
        out.entryProblem(problem.code(), key, problem.message());
      }
    }
  }

  private void readEntries() throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      readEntry(key, parser.nextToken());
    }
  }

  private void readEntry(String key, JsonToken value) throws IOException {
    entries++;
    EntryReader.read(parser, out, key, value);
  }

  private void checkHeaders(JsonToken value) throws IOException {
    boolean valid = value == JsonToken.VALUE_NULL || value == JsonToken.START_OBJECT;
    if (value == JsonToken.START_OBJECT) {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        JsonToken header = parser.nextToken();
        valid &= header == JsonToken.VALUE_STRING || header == JsonToken.VALUE_NULL;
        parser.skipChildren();
      }
    } else {
      parser.skipChildren();
    }
    if (!valid) {
      out.problem(ProblemCode.WRONG_JSON_SHAPE, HEADERS_NOT_STRINGS);
    }
  }
}
