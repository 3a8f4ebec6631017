package dev.pulldoctor.rules.pullsecret;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads one registry entry as {@code DockerConfigEntry.UnmarshalJSON} does: {@code username},
 * {@code password}, {@code email} and {@code auth} must be strings (or null, which changes
 * nothing), the last duplicate wins, and every other field is skipped whatever its type.
 */
final class EntryReader {
  static final String NOT_OBJECT = "the entry is not a JSON object";
  private static final String IDENTITY_TOKEN =
      "'identitytoken' is ignored: the kubelet sends only username and password";
  private static final String REGISTRY_TOKEN =
      "'registrytoken' is ignored: the kubelet sends only username and password";

  private final JsonParser parser;
  private final CredentialCollector out;
  private final String key;
  private @Nullable String username;
  private @Nullable String password;
  private @Nullable String auth;
  private boolean identityToken;
  private boolean registryToken;

  private EntryReader(JsonParser parser, CredentialCollector out, String key) {
    this.parser = parser;
    this.out = out;
    this.key = key;
  }

  /** Reads the entry under {@code key}, whose value starts with {@code value}, into {@code out}. */
  static void read(JsonParser parser, CredentialCollector out, String key, JsonToken value)
      throws IOException {
    if (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL) {
      out.entryProblem(ProblemCode.WRONG_JSON_SHAPE, key, NOT_OBJECT);
      parser.skipChildren();
      return;
    }
    EntryReader entry = new EntryReader(parser, out, key);
    if (value == JsonToken.START_OBJECT) {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = GoJsonNames.fold(parser.currentName());
        entry.field(name, parser.nextToken());
      }
    }
    if (entry.identityToken) {
      out.entryProblem(ProblemCode.TOKEN_FIELD_IGNORED, key, IDENTITY_TOKEN);
    }
    if (entry.registryToken) {
      out.entryProblem(ProblemCode.TOKEN_FIELD_IGNORED, key, REGISTRY_TOKEN);
    }
    out.add(new RawEntry(key, entry.username, entry.password, entry.auth));
  }

  private void field(String name, JsonToken value) throws IOException {
    switch (name) {
      case "USERNAME" -> username = string(value, username, "'username' is not a string");
      case "PASSWORD" -> password = string(value, password, "'password' is not a string");
      case "AUTH" -> auth = string(value, auth, "'auth' is not a string");
      case "EMAIL" -> string(value, null, "'email' is not a string");
      case "IDENTITYTOKEN" -> identityToken |= isSet(value);
      case "REGISTRYTOKEN" -> registryToken |= isSet(value);
      default -> {
        // Go ignores fields it does not know, whatever their type.
      }
    }
    parser.skipChildren();
  }

  private @Nullable String string(JsonToken value, @Nullable String previous, String wrongType)
      throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (value != JsonToken.VALUE_NULL) {
      out.entryProblem(ProblemCode.WRONG_JSON_SHAPE, key, wrongType);
    }
    return previous;
  }

  private boolean isSet(JsonToken value) throws IOException {
    return value != JsonToken.VALUE_NULL
        && !(value == JsonToken.VALUE_STRING && parser.getText().isEmpty());
  }
}
