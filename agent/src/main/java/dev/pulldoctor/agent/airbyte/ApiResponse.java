package dev.pulldoctor.agent.airbyte;

import org.jspecify.annotations.Nullable;

/** One answer of Airbyte's API, body already read (and capped). */
final class ApiResponse {
  private final int status;
  private final @Nullable String contentType;
  private final byte[] body;

  /**
   * @param status the HTTP status
   * @param contentType the Content-Type header, if any
   * @param body the body; never logged or shown, it may hold a token
   */
  ApiResponse(int status, @Nullable String contentType, byte[] body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }

  int status() {
    return status;
  }

  @Nullable String contentType() {
    return contentType;
  }

  byte[] body() {
    return body;
  }

  boolean successful() {
    return status >= 200 && status < 300;
  }
}
