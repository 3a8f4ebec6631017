package dev.pulldoctor.agent.airbyte;

import dev.pulldoctor.rules.model.ObjectRef;
import org.jspecify.annotations.Nullable;

/** How requests reach Airbyte's server: directly, or through the Kubernetes API server's proxy. */
interface Transport extends AutoCloseable {

  /**
   * Sends {@code POST path} with a JSON body.
   *
   * @param path the API path, e.g. {@code /api/v1/workspaces/list_all_paginated}
   * @param json the request body
   * @param token the access token to send, or null to send none
   * @throws AirbyteApiException when there is no answer, or when the answer is too large
   */
  ApiResponse post(String path, byte[] json, @Nullable String token) throws AirbyteApiException;

  /** Where requests go, for reports: a URL or a Service. */
  String endpoint();

  /** The airbyte-server Service when requests go to it, for remediations. */
  @Nullable ObjectRef server();

  @Override
  void close();
}
