package dev.pulldoctor.rules.pullsecret;

import java.util.Locale;
import java.util.Set;

/**
 * The fixed usernames cloud registries pair with a token ({@code AWS} for ECR, {@code
 * oauth2accesstoken} and {@code _json_key} for Google, {@code _token} and the zero GUID for ACR):
 * they name no one, so masks keep them, and the token-expiry rule reads them.
 */
public final class TokenUsernames {
  private static final Set<String> FIXED =
      Set.of(
          "aws",
          "oauth2accesstoken",
          "_json_key",
          "_json_key_base64",
          "_token",
          "00000000-0000-0000-0000-000000000000");

  private TokenUsernames() {}

  /** Whether {@code username} is one of the fixed token usernames, in any case. */
  public static boolean isFixed(String username) {
    return FIXED.contains(username.toLowerCase(Locale.ROOT));
  }
}
