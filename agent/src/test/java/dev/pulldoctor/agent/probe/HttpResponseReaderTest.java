package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 answers parsed from bytes, without a socket: framing and every cap. */
class HttpResponseReaderTest {
  private static final URI URI_ = URI.create("https://registry.example/v2/");

  @Test
  void a_content_length_body_with_headers_in_lower_case() throws Exception {
    HttpResponse response =
        read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nDocker-Content-Digest: sha256:ab\r\n\r\n{}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("docker-content-digest")).isEqualTo("sha256:ab");
    assertThat(response.bodyText()).isEqualTo("{}");
    assertThat(response.truncated()).isFalse();
  }

  @Test
  void a_chunked_body_with_extensions_and_trailers() throws Exception {
    HttpResponse response =
        read(
            String.join(
                "\r\n",
                "HTTP/1.1 200 OK",
                "Transfer-Encoding: chunked",
                "",
                "3;ext=1",
                "abc",
                "2",
                "de",
                "0",
                "X-Trailer: t",
                "",
                ""));

    assertThat(response.bodyText()).isEqualTo("abcde");
  }

  @Test
  void bodies_longer_than_the_cap_are_cut_and_marked() throws Exception {
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 4).bodyText())
        .isEqualTo("0123");
    HttpResponse chunked =
        read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n0\r\n\r\n", 4);
    assertThat(chunked.bodyText()).isEqualTo("0123");
    assertThat(chunked.truncated()).isTrue();
    HttpResponse toTheEnd = read("HTTP/1.1 200 OK\r\n\r\n012345", 4);
    assertThat(toTheEnd.bodyText()).isEqualTo("0123");
    assertThat(toTheEnd.truncated()).isTrue();
  }

  @Test
  void interim_answers_are_skipped_up_to_the_limit() throws Exception {
    String interim = "HTTP/1.1 100 Continue\r\n\r\n";
    assertThat(read(interim.repeat(5) + "HTTP/1.1 204 No Content\r\n\r\n").status()).isEqualTo(204);
    assertThatThrownBy(() -> read(interim.repeat(6) + "HTTP/1.1 204 No Content\r\n\r\n"))
        .isInstanceOf(HttpResponseReader.LimitException.class)
        .hasMessageContaining("interim (1xx)");
  }

  @Test
  void header_caps_are_named() {
    String line = "X-A: " + "a".repeat(1000) + "\r\n";
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n" + line.repeat(70) + "\r\n"))
        .isInstanceOf(HttpResponseReader.LimitException.class)
        .hasMessage("sent more than 64 KiB of headers");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n" + "X-A: a\r\n".repeat(201) + "\r\n"))
        .hasMessage("sent more than 200 header lines");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nX-A: " + "a".repeat(9000) + "\r\n\r\n"))
        .hasMessage("sent a header line longer than 8192 bytes");
  }

  @Test
  void a_long_chunk_extension_is_refused() {
    assertThatThrownBy(
            () ->
                read(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;"
                        + "x".repeat(2000)
                        + "\r\na\r\n0\r\n\r\n"))
        .isInstanceOf(HttpResponseReader.LimitException.class)
        .hasMessageContaining("chunk-size line");
  }

  @Test
  void what_is_not_http_1_is_a_server_error() {
    assertThatThrownBy(() -> read("SSH-2.0-OpenSSH_9.6\r\n\r\n"))
        .isInstanceOf(ProbeException.class)
        .hasMessage("the server's answer is not HTTP/1.x");
  }

  @Test
  void a_head_answer_has_no_body() throws Exception {
    HttpResponse response =
        HttpResponseReader.read(
            input("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), "HEAD", URI_, 100);

    assertThat(response.body()).isEmpty();
  }

  private static HttpResponse read(String answer) throws Exception {
    return read(answer, 1024);
  }

  private static HttpResponse read(String answer, int cap) throws Exception {
    return HttpResponseReader.read(input(answer), "GET", URI_, cap);
  }

  private static InputStream input(String answer) {
    return new ByteArrayInputStream(answer.getBytes(StandardCharsets.ISO_8859_1));
  }
}
