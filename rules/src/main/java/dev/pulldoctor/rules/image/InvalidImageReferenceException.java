package dev.pulldoctor.rules.image;

import java.util.Objects;

/**
 * An image reference that distribution/reference rejects. The message uses its wording (which the
 * kubelet repeats in {@code InvalidImageName} events) and never quotes the input.
 */
public final class InvalidImageReferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * The errors of distribution/reference v0.6.0 and of the go-digest v1.0.0 digest parser it calls
   * (https://github.com/distribution/reference/blob/v0.6.0/reference.go,
   * https://github.com/opencontainers/go-digest/blob/v1.0.0/digest.go).
   */
  public enum Reason {
    /** {@code ErrNameEmpty}. */
    NAME_EMPTY("repository name must have at least one component"),
    /** {@code ErrReferenceInvalidFormat}: the reference grammar does not match. */
    INVALID_FORMAT("invalid reference format"),
    /** {@code ErrNameContainsUppercase}, or ParseNormalizedNamed's own lowercase check. */
    NAME_CONTAINS_UPPERCASE("repository name must be lowercase"),
    /** {@code ErrNameTooLong}: the path (the name without its domain) is over 255 characters. */
    NAME_TOO_LONG("repository name must not be more than 255 characters"),
    /**
     * ParseNormalizedNamed refuses a 64-character hexadecimal string, which reads as an image ID.
     */
    IDENTIFIER("invalid repository name, cannot specify 64-byte hexadecimal strings"),
    /** go-digest's {@code ErrDigestInvalidFormat}. */
    DIGEST_INVALID_FORMAT("invalid checksum digest format"),
    /** go-digest's {@code ErrDigestInvalidLength}. */
    DIGEST_INVALID_LENGTH("invalid checksum digest length"),
    /** go-digest's {@code ErrDigestUnsupported}. */
    DIGEST_UNSUPPORTED("unsupported digest algorithm");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    /** The upstream error text. */
    public String message() {
      return message;
    }
  }

  private final Reason reason;

  public InvalidImageReferenceException(Reason reason) {
    this(reason, reason.message());
  }

  /** For a message that words the reason differently, as ParseNormalizedNamed does for case. */
  public InvalidImageReferenceException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
