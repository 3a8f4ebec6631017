package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.pullsecret.Login;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one probe with one login (or none) found, in words: every access finding, and the manifest
 * findings more than one step gives; the steps decide, this says it. Texts are pulldoctor's own; a
 * registry's words reach a finding only as its scrubbed error code and message ({@link
 * RegistryErrors}).
 */
final class ProbeFindings {
  private final @Nullable Login login;

  /** Findings of a probe with {@code login}; null for an anonymous one. */
  ProbeFindings(@Nullable Login login) {
    this.login = login;
  }

  /** The registry asks for an authentication scheme container runtimes do not speak. */
  Access unsupportedScheme(String scheme) {
    return error(
        "the registry asks for "
            + scheme
            + " authentication, which"
            + " container runtimes do not speak");
  }

  Access noTokenRealm() {
    return error("the registry's Bearer challenge has no valid token realm URL");
  }

  Access invalidTokenRealm() {
    return error("invalid token realm URL");
  }

  /** The policy keeps the credentials from the token realm; {@code why} says which rule. */
  Access withheld(String realmHost, String why) {
    return access(
        AccessOutcome.WITHHELD,
        0,
        RegistryErrors.NONE,
        "pulldoctor did not send the credentials to the token realm " + realmHost + ": " + why);
  }

  /** The token service answered 401 or 403. */
  Access tokenRefused(String realmHost, String path, int status, RegistryErrors errors) {
    return access(
        login == null ? AccessOutcome.ANONYMOUS_REJECTED : AccessOutcome.REJECTED,
        status,
        errors,
        tokenServiceAnswered(realmHost, status)
            + (login == null
                ? " to an anonymous token request"
                : " to the credentials for repository:" + path + ":pull"));
  }

  Access tokenRateLimited(String realmHost, RegistryErrors errors) {
    return access(
        AccessOutcome.RATE_LIMITED,
        429,
        errors,
        "the token service at " + realmHost + " answered 429 Too Many Requests");
  }

  /** The token service answered without a usable token; {@code success}: it answered 2xx. */
  Access noToken(String realmHost, int status, boolean success, RegistryErrors errors) {
    return access(
        AccessOutcome.ERROR,
        status,
        errors,
        tokenServiceAnswered(realmHost, status) + (success ? " without a token" : ""));
  }

  private static String tokenServiceAnswered(String realmHost, int status) {
    return "the token service at " + realmHost + " answered " + status;
  }

  Access tokenServiceUnreachable(String realmHost, String why) {
    return error("the token service at " + realmHost + " could not be asked: " + why);
  }

  /**
   * The registry answered 401 or 403 to the manifest request: anonymous pulls refused, the
   * credentials rejected (401 from a registry that checks them itself), or accepted without pull
   * access (a token without the scope, or 403).
   */
  Access denied(String path, int status, boolean registryChecksCredentials, RegistryErrors errors) {
    if (login == null) {
      return access(
          AccessOutcome.ANONYMOUS_REJECTED,
          status,
          errors,
          "the registry refuses an anonymous pull of " + path + " (" + status + ")");
    }
    if (status == 401 && registryChecksCredentials) {
      return access(
          AccessOutcome.REJECTED,
          status,
          errors,
          "the registry rejected the credentials (" + status + ")");
    }
    return access(
        AccessOutcome.NO_PULL_ACCESS,
        status,
        errors,
        "the credentials were accepted, but they give no pull access to "
            + path
            + " ("
            + status
            + ")");
  }

  Access rateLimited(RegistryErrors errors) {
    return access(AccessOutcome.RATE_LIMITED, 429, errors, "429 Too Many Requests");
  }

  /** The registry answered the manifest request with something other than a refusal. */
  Access granted(String path, int status) {
    return access(
        login == null ? AccessOutcome.ANONYMOUS_ACCEPTED : AccessOutcome.ACCEPTED,
        status,
        RegistryErrors.NONE,
        login == null
            ? "the registry lets anyone pull " + path
            : "the registry accepted the credentials for pulling " + path);
  }

  private Access error(String detail) {
    return access(AccessOutcome.ERROR, 0, RegistryErrors.NONE, detail);
  }

  private Access access(AccessOutcome outcome, int status, RegistryErrors errors, String detail) {
    return new Access(
        outcome,
        login == null ? null : login.secretName(),
        login == null ? null : login.registryKey(),
        login == null ? null : ProbeText.shorten(login.username(), 100),
        status,
        errors.code(),
        errors.message(),
        detail);
  }

  /** A manifest lookup the registry refused: whether the image exists is unknown. */
  static Manifest unknownWhenDenied(String image, int status, RegistryErrors errors) {
    return manifest(
        ManifestOutcome.DENIED,
        status,
        errors,
        "the registry did not say whether " + image + " exists");
  }

  /** A manifest lookup that did not find the manifest. */
  static Manifest missing(
      ManifestOutcome outcome, int status, RegistryErrors errors, String detail) {
    return manifest(outcome, status, errors, detail);
  }

  /** The manifest request got no answer: refused by the policy, or failed on the way. */
  static Manifest requestFailed(ProbeException failure) {
    return manifest(
        failure.refusedByPolicy() ? ManifestOutcome.REFUSED_BY_POLICY : ManifestOutcome.ERROR,
        0,
        RegistryErrors.NONE,
        failure.detail());
  }

  static Manifest manifestError(int status, RegistryErrors errors, String detail) {
    return manifest(ManifestOutcome.ERROR, status, errors, detail);
  }

  /** A manifest found whose platforms pulldoctor could not learn, and why. */
  static Manifest platformUnknown(
      @Nullable String mediaType, @Nullable String digest, String detail) {
    return Manifest.found(mediaType, digest, false, List.of(), detail);
  }

  private static Manifest manifest(
      ManifestOutcome outcome, int status, RegistryErrors errors, String detail) {
    return new Manifest(
        outcome, status, errors.code(), errors.message(), null, null, false, List.of(), detail);
  }
}
