package dev.pulldoctor.agent.airbyte;

import java.util.Objects;

/**
 * The client id and secret of an Airbyte application, and where they came from. Lives only while
 * one discovery runs; never stored in a snapshot, logged or printed ({@link #toString()} leaves the
 * values out).
 *
 * @param source where the values came from, e.g. {@code Secret airbyte/airbyte-auth-secrets}
 */
record Credentials(String clientId, String clientSecret, String source) {
  static final String FLAGS = "--airbyte-client-id/--airbyte-client-secret-file";
  static final String ENVIRONMENT = "environment AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET";

  Credentials {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return "Credentials[from " + source + "]";
  }
}
