package dev.pulldoctor.rules.image;

/**
 * An image reference that distribution/reference rejects. The message uses its wording (which the
 * kubelet repeats in {@code InvalidImageName} events) and never quotes the input.
 */
public final class InvalidImageReferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidImageReferenceException(String message) {
    super(message);
  }
}
