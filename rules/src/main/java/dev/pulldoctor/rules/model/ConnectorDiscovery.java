package dev.pulldoctor.rules.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What pulldoctor observed when it asked Airbyte's own API which custom connectors exist: where it
 * asked, which credentials it used (named by their source, never their value), how that went, and
 * the connectors it found.
 *
 * @param endpoint where the API was asked, e.g. {@code http://localhost:8000} or {@code service
 *     airbyte/airbyte-airbyte-server-svc:http through the Kubernetes API proxy}
 * @param credentialSource where the client credentials came from, e.g. {@code
 *     --airbyte-client-secret-file} or {@code Secret airbyte/airbyte-auth-secrets}; {@code none}
 *     when no credentials were used
 * @param outcome whether the listing worked, and if not, why not
 * @param detail the reason when the listing failed, or what was looked for when no server was
 *     found; null when it worked
 * @param server the airbyte-server Service when it was found in the cluster
 * @param connectors the custom connectors found, empty unless the outcome is {@link Outcome#FOUND}
 */
public record ConnectorDiscovery(
    String endpoint,
    String credentialSource,
    Outcome outcome,
    @Nullable String detail,
    @Nullable ObjectRef server,
    List<CustomConnector> connectors) {

  /** The {@link #credentialSource()} when no credentials were found or needed. */
  public static final String NO_CREDENTIALS = "none";

  /** How asking Airbyte went. */
  public enum Outcome {
    /** The listing worked (it may have found no custom connector). */
    FOUND,
    /** No address was given and no airbyte-server Service was found. */
    SERVER_NOT_FOUND,
    /** The server could not be reached, or did not answer in time. */
    UNREACHABLE,
    /** Airbyte answered 401: the credentials, or the lack of them, were rejected. */
    UNAUTHORIZED,
    /** Airbyte or the Kubernetes API answered 403. */
    FORBIDDEN,
    /** Another HTTP error, e.g. 500 or 404. */
    HTTP_ERROR,
    /** An answer that is not the JSON Airbyte's API documents. */
    BAD_RESPONSE;

    /** The outcome as it appears in bundles: lower case with hyphens. */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The outcome a {@link #word()} names. */
    public static Outcome fromWord(String word) {
      return valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  public ConnectorDiscovery {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credentialSource, "credentialSource");
    Objects.requireNonNull(outcome, "outcome");
    connectors = List.copyOf(connectors);
  }

  /** The listing worked. */
  public static ConnectorDiscovery found(
      String endpoint,
      String credentialSource,
      @Nullable ObjectRef server,
      List<CustomConnector> connectors) {
    return new ConnectorDiscovery(
        endpoint, credentialSource, Outcome.FOUND, null, server, connectors);
  }

  /** The listing failed, or there was nothing to ask. */
  public static ConnectorDiscovery failed(
      String endpoint,
      String credentialSource,
      Outcome outcome,
      String detail,
      @Nullable ObjectRef server) {
    return new ConnectorDiscovery(endpoint, credentialSource, outcome, detail, server, List.of());
  }
}
