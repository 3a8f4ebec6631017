package dev.pulldoctor.agent.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What every answer of the {@link ReportServer} goes through: the security headers, the cap on
 * request bodies, and plain-text error pages, Jetty's own included.
 */
final class HttpGuards {
  /** No endpoint reads a body; a request larger than this is refused. */
  static final long MAX_REQUEST_BYTES = 4_096;

  /** The content type of every plain-text answer. */
  static final String TEXT = "text/plain; charset=utf-8";

  private HttpGuards() {}

  /**
   * No script may run and nothing may load from elsewhere: the pages are text and one hashed style
   * block. Sent with every answer, Jetty's own errors included.
   */
  static final Map<String, String> SECURITY_HEADERS = securityHeaderValues();

  private static Map<String, String> securityHeaderValues() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(
        "Content-Security-Policy",
        "default-src 'none'; style-src "
            + ReportPage.STYLE_HASH
            + "; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    headers.put("Cache-Control", "no-store");
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Set again on the app's answers: Jetty's customizer sets them before routing, but an answer that
   * is reset (an exception after headers were set) loses them.
   */
  static void securityHeaders(Context ctx) {
    SECURITY_HEADERS.forEach(ctx::header);
  }

  /**
   * Refuses a body past {@link #MAX_REQUEST_BYTES} with 413: no endpoint reads one, and a declared
   * length is refused before a byte of the body is read. A chunked body is read up to the cap.
   */
  static void capBody(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_REQUEST_BYTES) {
      throw new BodyTooLarge();
    }
    if (declared < 0 && ctx.header("Transfer-Encoding") != null) {
      try (InputStream body = ctx.req().getInputStream()) {
        if (body.readNBytes((int) MAX_REQUEST_BYTES + 1).length > MAX_REQUEST_BYTES) {
          throw new BodyTooLarge();
        }
      }
    }
  }

  /** A request body over the cap; answered 413. */
  static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body over " + MAX_REQUEST_BYTES + " bytes", null, false, false);
    }
  }

  /**
   * Jetty's answers to what never reaches the app (a bad request line, headers too large) and its
   * error pages: plain text with the security headers, no HTML page naming Jetty.
   */
  static final class PlainErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status =
          request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
      HttpFields.Mutable headers = response.getHeaders();
      SECURITY_HEADERS.forEach(headers::put);
      headers.put(HttpHeader.CONTENT_TYPE, TEXT);
      response.write(true, body(status, HttpStatus.getMessage(status)), callback);
      return true;
    }

    // The status's standard words only: Jetty's reason can quote the request.
    private static ByteBuffer body(int status, String words) {
      return ByteBuffer.wrap(
          (status + " " + words.toLowerCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
