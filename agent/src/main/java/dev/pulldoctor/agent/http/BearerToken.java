package dev.pulldoctor.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The bearer token of {@code POST /api/v1/run}, read from a file (e.g. a mounted Secret) at each
 * request, so a rotated Secret takes effect without a restart. The token is never logged.
 */
final class BearerToken {
  private static final int MAX_BYTES = 4_096;
  private static final String PREFIX = "Bearer ";

  private final @Nullable Path file;

  BearerToken(@Nullable Path file) {
    this.file = file;
  }

  boolean configured() {
    return file != null;
  }

  /**
   * Whether an {@code Authorization} header carries the token. Compares SHA-256 digests, so the
   * time taken tells nothing of how much of the token, or of its length, a guess got right.
   */
  boolean accepts(@Nullable String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    Optional<byte[]> expected = read();
    if (expected.isEmpty()) {
      return false;
    }
    byte[] given =
        authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sha256(expected.get()), sha256(given));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private Optional<byte[]> read() {
    if (file == null) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        return Optional.empty();
      }
      String token = new String(bytes, StandardCharsets.UTF_8).strip();
      return token.isEmpty()
          ? Optional.empty()
          : Optional.of(token.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
