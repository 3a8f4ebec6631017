package dev.pulldoctor.agent.http;

/** Makes a support bundle of the cluster as it is now, for {@code GET /api/v1/bundle}. */
@FunctionalInterface
public interface BundleSource {
  /** A fresh bundle: collected, probed and redacted as {@code pulldoctor bundle create} does. */
  Made make() throws Exception;

  /** A bundle ready to send: the name to offer the browser and the {@code .tar.gz} bytes. */
  final class Made {
    private final String fileName;
    private final byte[] bytes;

    public Made(String fileName, byte[] bytes) {
      this.fileName = fileName;
      this.bytes = bytes.clone();
    }

    /** E.g. {@code pulldoctor-bundle-20261129T070000Z.tar.gz}. */
    public String fileName() {
      return fileName;
    }

    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /** The cluster could not be read; the message is for the caller and names no secret. */
  final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
      super(message);
    }
  }
}
