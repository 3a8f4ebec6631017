package dev.pulldoctor.rules.pullsecret;

/**
 * What can be wrong with a pull secret. {@link #fatal()} problems make the kubelet refuse to build
 * its keyring, so every pull of the pod fails before the registry is contacted; the others make the
 * kubelet skip the secret or an entry without saying so, which ends in an anonymous pull.
 */
public enum ProblemCode {
  /** A pull-secret payload key under a type the kubelet ignores, e.g. {@code Opaque}. */
  WRONG_TYPE(false),
  /** The type names a pull secret but its payload key is missing or empty. */
  MISSING_KEY(false),
  /**
   * The payload sits under the other format's key, e.g. {@code .dockercfg} in a dockerconfigjson
   * secret.
   */
  WRONG_KEY(false),
  /** A {@code data} value is not valid base64 (only possible in hand-written manifests). */
  DATA_NOT_BASE64(false),
  /** The payload is not valid JSON. */
  INVALID_JSON(true),
  /** Valid JSON of the wrong shape: not an object, or a field of the wrong JSON type. */
  WRONG_JSON_SHAPE(true),
  /** A {@code .dockerconfigjson} payload without an {@code auths} object. */
  MISSING_AUTHS(false),
  /** An {@code auths} object (or a {@code .dockercfg} map) without entries. */
  EMPTY_AUTHS(false),
  /** A {@code .dockercfg} payload written in the newer {@code {"auths":…}} shape. */
  AUTHS_IN_DOCKERCFG(false),
  /** An {@code auth} field that is not valid base64. */
  AUTH_NOT_BASE64(true),
  /** An {@code auth} field that decodes to text without a colon. */
  AUTH_NO_COLON(true),
  /**
   * {@code auth} and {@code username}/{@code password} disagree; the kubelet sends {@code auth}.
   */
  AUTH_MISMATCH(false),
  /** An entry with neither {@code auth} nor {@code username}/{@code password}. */
  NO_CREDENTIALS(false),
  /** A registry key the kubelet cannot parse as a URL; the entry is ignored. */
  INVALID_REGISTRY_KEY(false),
  /** {@code credsStore} or {@code credHelpers}: the kubelet does not run credential helpers. */
  CREDENTIAL_HELPER_IGNORED(false),
  /** {@code identitytoken} or {@code registrytoken}: the kubelet does not read them. */
  TOKEN_FIELD_IGNORED(false),
  /**
   * The payload is larger than a Secret may be (1 MiB), so it cannot come from the API server;
   * pulldoctor does not parse it.
   */
  PAYLOAD_TOO_LARGE(false),
  /**
   * pulldoctor failed while analysing the secret (a pulldoctor bug, reported rather than thrown);
   * the other findings for the secret are missing.
   */
  ANALYSIS_FAILED(false);

  private final boolean fatal;

  ProblemCode(boolean fatal) {
    this.fatal = fatal;
  }

  public boolean fatal() {
    return fatal;
  }
}
