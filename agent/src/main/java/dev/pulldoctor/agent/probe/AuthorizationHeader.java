package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.pullsecret.Login;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The one place an {@code Authorization} (or {@code Proxy-Authorization}) value is made: Basic (RFC
 * 7617) or Bearer (RFC 6750). The secret forms a report is scrubbed of ({@link
 * ProbeText#secretForms}) come from here too, so what is sent and what is scrubbed cannot drift.
 */
final class AuthorizationHeader {
  private static final String BASIC = "Basic ";
  private static final String BEARER = "Bearer ";

  private AuthorizationHeader() {}

  /** {@code Basic} with the login's username and password. */
  static String basic(Login login) {
    return basic(login.username(), login.password());
  }

  /** {@code Basic} with {@code username} and {@code password}. */
  static String basic(String username, String password) {
    return basicOf(username + ":" + password);
  }

  /**
   * {@code Basic} with user info as a URL carries it, {@code user:password} or a user alone,
   * encoded as it is.
   */
  static String basicOf(String userPass) {
    return BASIC + credentials(userPass);
  }

  /** {@code Bearer} with a token from a token service. */
  static String bearer(String token) {
    return BEARER + token;
  }

  /** The Base64 part of {@link #basic(String, String)}: what a registry could echo. */
  static String basicCredentials(String username, String password) {
    return credentials(username + ":" + password);
  }

  private static String credentials(String userPass) {
    return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }
}
