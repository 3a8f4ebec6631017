package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP/1.1 answer (RFC 9112) from a server pulldoctor does not trust: the status line,
 * headers, interim (1xx) answers, and a body framed by {@code Content-Length}, chunked or by the
 * end of the connection. Every part has a cap; a cap reached is a {@link LimitException} naming it,
 * except the body, which is cut at its cap and marked {@linkplain HttpResponse#truncated()
 * truncated}.
 */
final class HttpResponseReader {
  /** The most header bytes of one answer, all lines together. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** The most header lines of one answer. */
  static final int MAX_HEADERS = 200;

  /** The longest status or header line; registries send lines of a few hundred bytes. */
  static final int MAX_LINE_BYTES = 8 * 1024;

  /** The most interim (1xx) answers before the real one; HTTP/1.1 servers send one at most. */
  static final int MAX_INTERIM_ANSWERS = 5;

  /** The longest chunk-size line, extensions included: registries send none. */
  static final int MAX_CHUNK_LINE_BYTES = 1024;

  /** What an answer may carry besides its capped body: headers, 1xx answers, chunk framing. */
  static final int MAX_FRAMING_BYTES = 1024 * 1024;

  private HttpResponseReader() {}

  /**
   * Reads the answer to a {@code method} request for {@code uri}.
   *
   * @param maxBodyBytes the most body bytes kept; the rest of a longer body is not read
   * @throws ProbeException when the answer is not HTTP/1.x
   * @throws LimitException when a cap other than the body's is reached
   */
  static HttpResponse read(InputStream in, String method, URI uri, int maxBodyBytes)
      throws IOException, ProbeException {
    int status = readStatus(in);
    Map<String, List<String>> headers = readHeaders(in);
    for (int interim = 0; status >= 100 && status < 200; interim++) {
      if (interim >= MAX_INTERIM_ANSWERS) {
        throw new LimitException(
            "sent more than " + MAX_INTERIM_ANSWERS + " interim (1xx) answers before its answer");
      }
      status = readStatus(in);
      headers = readHeaders(in);
    }
    if (method.equals("HEAD") || status == 204 || status == 304) {
      return new HttpResponse(uri, status, headers, new byte[0], false);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean truncated;
    List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
    List<String> length = headers.getOrDefault("content-length", List.of());
    if (encoding.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains("chunked"))) {
      truncated = readChunked(in, body, maxBodyBytes);
    } else if (!length.isEmpty()) {
      long declared = parseLength(length.get(0));
      truncated = declared > maxBodyBytes;
      copy(in, body, Math.min(declared, maxBodyBytes));
    } else {
      truncated = copy(in, body, maxBodyBytes + 1L) > maxBodyBytes;
      if (truncated) {
        byte[] all = body.toByteArray();
        body.reset();
        body.write(all, 0, maxBodyBytes);
      }
    }
    return new HttpResponse(uri, status, headers, body.toByteArray(), truncated);
  }

  /** The status code of an HTTP/1.x status line. */
  static int readStatus(InputStream in) throws IOException, ProbeException {
    String line = readLine(in, MAX_LINE_BYTES, "status line");
    if (line == null) {
      throw new IOException("closed before answering");
    }
    if (!line.startsWith("HTTP/1.") || line.length() < 12) {
      throw ProbeException.failed(
          Stage.HTTP, PullErrorCause.REGISTRY_SERVER_ERROR, "the server's answer is not HTTP/1.x");
    }
    String code = line.substring(9, 12);
    if (!code.chars().allMatch(Character::isDigit)) {
      throw ProbeException.failed(
          Stage.HTTP, PullErrorCause.REGISTRY_SERVER_ERROR, "the server's status line is invalid");
    }
    return Integer.parseInt(code);
  }

  /** Header (or trailer) lines up to the empty line: lower-case names to values in order. */
  static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int total = 0;
    for (int count = 0; ; count++) {
      String line = readLine(in, MAX_LINE_BYTES, "header line");
      if (line == null || line.isEmpty()) {
        return headers;
      }
      total += line.length();
      if (total > MAX_HEADER_BYTES) {
        throw new LimitException("sent more than " + MAX_HEADER_BYTES / 1024 + " KiB of headers");
      }
      if (count >= MAX_HEADERS) {
        throw new LimitException("sent more than " + MAX_HEADERS + " header lines");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).strip());
      }
    }
  }

  private static @Nullable String readLine(InputStream in, int max, String what)
      throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        break;
      }
      if (line.size() > max) {
        throw new LimitException("sent a " + what + " longer than " + max + " bytes");
      }
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** A chunked body up to {@code cap} bytes; true when it was longer and cut. */
  private static boolean readChunked(InputStream in, ByteArrayOutputStream body, int cap)
      throws IOException {
    while (true) {
      String sizeLine = readLine(in, MAX_CHUNK_LINE_BYTES, "chunk-size line (with extensions)");
      if (sizeLine == null) {
        throw new IOException("chunked body ended early");
      }
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("invalid chunk size", e);
      }
      if (size == 0) {
        readHeaders(in); // trailers
        return false;
      }
      long room = (long) cap - body.size();
      if (size > room) {
        copy(in, body, room);
        return true;
      }
      copy(in, body, size);
      readLine(in, MAX_LINE_BYTES, "chunk end");
    }
  }

  private static long copy(InputStream in, ByteArrayOutputStream out, long limit)
      throws IOException {
    byte[] buffer = new byte[8192];
    long copied = 0;
    while (copied < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static long parseLength(String value) throws IOException {
    try {
      long length = Long.parseLong(value.strip());
      if (length < 0) {
        throw new IOException("negative content length");
      }
      return length;
    } catch (NumberFormatException e) {
      throw new IOException("invalid content length", e);
    }
  }

  /** A cap on what a registry sends was reached; the message says which, in pulldoctor's words. */
  static final class LimitException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitException(String message) {
      super(message);
    }
  }
}
