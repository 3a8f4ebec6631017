package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Splitter;
import dev.pulldoctor.agent.testsupport.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack run's findings on the daemon's HTTP side (security issue, item 7): anonymous callers
 * cannot lock the token's owner out of {@code POST /api/v1/run}, bodies past 4 KiB are refused
 * before they are read, and every answer, Jetty's own errors included, carries the security
 * headers. Uses the default rate limits, as {@code serve} does.
 */
class ServeHardeningTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private MockApi api;
  private RunningDaemon daemon;

  @BeforeEach
  void start() throws Exception {
    api = MockApi.start().seed(CliRun.EXAMPLES.resolve("healthy-private-registry"));
    daemon = RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)));
    daemon.awaitReady(200, WAIT);
  }

  @AfterEach
  void stop() {
    daemon.close();
    api.close();
  }

  @Test
  void anonymous_guesses_are_limited_per_address_and_never_cost_the_owner_a_run() throws Exception {
    int unauthorized = 0;
    int limited = 0;
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> guess = Http.post(daemon.url("/api/v1/run"), "Bearer wrong-" + i);
      if (guess.statusCode() == 401) {
        unauthorized++;
      } else {
        assertThat(guess.statusCode()).as("guess %d", i).isEqualTo(429);
        assertThat(guess.headers().firstValue("Retry-After")).isPresent();
        limited++;
      }
    }
    assertThat(unauthorized).as("guesses answered 401 before the limit").isEqualTo(5);
    assertThat(limited).as("guesses answered 429 after it").isEqualTo(7);

    String generated = daemon.report().path("generatedAt").asText();
    HttpResponse<String> owner =
        Http.post(daemon.url("/api/v1/run"), "Bearer " + RunningDaemon.TOKEN);
    assertThat(owner.statusCode()).as(owner.body()).isEqualTo(202);
    daemon.awaitReport(r -> !r.path("generatedAt").asText().equals(generated), WAIT);
  }

  @Test
  void a_body_past_4_kib_is_refused_with_413_before_it_is_sent() throws Exception {
    String generated = daemon.report().path("generatedAt").asText();
    // Only the headers go out: the answer must come without the 1 MiB announced.
    Raw answer =
        Raw.exchange(
            daemon.app.port(),
            "POST /api/v1/run HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + RunningDaemon.TOKEN
                + "\r\nContent-Length: 1048576\r\n\r\n");
    assertThat(answer.status()).as(answer.text()).isEqualTo(413);
    assertSecurityHeaders(answer);

    String chunk = "x".repeat(1_000);
    StringBuilder chunked =
        new StringBuilder(
            "POST /api/v1/run HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + RunningDaemon.TOKEN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 8; i++) {
      chunked.append("3e8\r\n").append(chunk).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    Raw chunkedAnswer = Raw.exchange(daemon.app.port(), chunked.toString());
    assertThat(chunkedAnswer.status()).as(chunkedAnswer.text()).isEqualTo(413);
    assertSecurityHeaders(chunkedAnswer);

    Waits.await("no run for a refused request")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> daemon.report().path("generatedAt").asText().equals(generated));
  }

  @Test
  void jettys_own_error_answers_carry_the_security_headers() throws Exception {
    int port = daemon.app.port();
    Raw unknownPath = Raw.exchange(port, "GET /no-such-page HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(unknownPath.status()).isEqualTo(404);
    assertSecurityHeaders(unknownPath);

    Raw wrongMethod = Raw.exchange(port, "PUT /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(wrongMethod.status()).isIn(404, 405);
    assertSecurityHeaders(wrongMethod);

    Raw badRequestLine = Raw.exchange(port, "GARBAGE\r\n\r\n");
    assertThat(badRequestLine.status()).as(badRequestLine.text()).isEqualTo(400);
    assertSecurityHeaders(badRequestLine);
    assertThat(badRequestLine.text()).doesNotContainIgnoringCase("jetty");

    Raw hugeHeader =
        Raw.exchange(
            port, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertThat(hugeHeader.status()).as(hugeHeader.text()).isIn(400, 413, 431);
    assertSecurityHeaders(hugeHeader);
  }

  private static void assertSecurityHeaders(Raw answer) {
    assertThat(answer.headers())
        .as(answer.text())
        .containsEntry("x-content-type-options", "nosniff")
        .containsEntry("x-frame-options", "DENY")
        .containsEntry("referrer-policy", "no-referrer")
        .containsEntry("cache-control", "no-store")
        .containsKey("content-security-policy")
        .doesNotContainKey("server");
    assertThat(answer.headers().get("content-security-policy")).startsWith("default-src 'none'");
  }

  /** One HTTP/1.1 exchange over a plain socket: what a browser or curl would not send. */
  private record Raw(int status, Map<String, String> headers, String text) {
    static Raw exchange(int port, String request) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String text = readHead(socket.getInputStream());
        List<String> lines = Splitter.on("\r\n").splitToList(text);
        assertThat(lines.get(0)).as(text).startsWith("HTTP/1.1 ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.size() && !lines.get(i).isEmpty(); i++) {
          int colon = lines.get(i).indexOf(':');
          headers.put(
              lines.get(i).substring(0, colon).strip().toLowerCase(Locale.ROOT),
              lines.get(i).substring(colon + 1).strip());
        }
        return new Raw(Integer.parseInt(lines.get(0).substring(9, 12)), headers, text);
      }
    }

    /** Reads the status line, headers and whatever body arrives within a moment. */
    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] buffer = new byte[8_192];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          read.write(buffer, 0, n);
          String sofar = read.toString(StandardCharsets.UTF_8);
          if (sofar.contains("\r\n\r\n")) {
            // The head is complete; give the body a moment, then stop (keep-alive never ends).
            return sofar + readMore(in);
          }
        }
      } catch (SocketTimeoutException e) {
        // fall through with what came
      }
      return read.toString(StandardCharsets.UTF_8);
    }

    private static String readMore(InputStream in) {
      try {
        Thread.sleep(100);
        int available = in.available();
        return available > 0 ? new String(in.readNBytes(available), StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    }
  }
}
