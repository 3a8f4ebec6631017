package dev.pulldoctor.agent.airbyte;

import java.util.Objects;

/**
 * The client id and secret of an Airbyte application, and where they came from. Lives only while
 * one discovery runs; never stored in a snapshot, logged or printed ({@link #toString()} leaves the
 * values out).
 */
final class Credentials {
  static final String FLAGS = "--airbyte-client-id/--airbyte-client-secret-file";
  static final String ENVIRONMENT = "environment AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET";

  private final String clientId;
  private final String clientSecret;
  private final String source;

  Credentials(String clientId, String clientSecret, String source) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
    this.source = Objects.requireNonNull(source, "source");
  }

  String clientId() {
    return clientId;
  }

  String clientSecret() {
    return clientSecret;
  }

  /** Where the values came from, e.g. {@code Secret airbyte/airbyte-auth-secrets}. */
  String source() {
    return source;
  }

  @Override
  public String toString() {
    return "Credentials[from " + source + "]";
  }
}
