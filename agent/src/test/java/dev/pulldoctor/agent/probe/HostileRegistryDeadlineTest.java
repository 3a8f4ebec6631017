package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registries that never finish answering, on raw loopback sockets: each probe ends within its
 * request timeout with a message naming the registry and what it did, and a run over several of
 * them ends within the run's probe deadline. On a hang the preemptive timeout fails the test
 * instead of stalling the build.
 */
class HostileRegistryDeadlineTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RUN_DEADLINE = Duration.ofSeconds(3);

  /** Scheduling slack on two cores shared with other builds. */
  private static final Duration SLACK = Duration.ofSeconds(3);

  private final RecordingConnector connector = new RecordingConnector();
  private final List<ServerSocket> servers = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (ServerSocket server : servers) {
      server.close();
    }
    assertThat(connector.violations()).isEmpty();
  }

  @Test
  void endless_100_continue_answers_end_the_probe_naming_the_registry() throws Exception {
    String registry =
        serve(
            out -> {
              byte[] interim = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
              while (true) {
                out.write(interim);
              }
            });

    RegistryObservation seen = probeWithin(REQUEST_TIMEOUT.plus(SLACK), List.of(registry)).get(0);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(seen.connection().detail())
        .contains(registry)
        .contains("more than 5 interim (1xx) answers");
  }

  @Test
  void one_byte_chunks_with_60_kib_extensions_end_the_probe_naming_the_registry() throws Exception {
    String registry =
        serve(
            out -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              byte[] chunk =
                  ("1;x=" + "e".repeat(60 * 1024) + "\r\n{\r\n")
                      .getBytes(StandardCharsets.US_ASCII);
              while (true) {
                out.write(chunk);
              }
            });

    RegistryObservation seen = probeWithin(REQUEST_TIMEOUT.plus(SLACK), List.of(registry)).get(0);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(seen.connection().detail()).contains(registry).contains("chunk-size line");
  }

  @Test
  void a_registry_that_trickles_one_byte_a_second_is_cut_off_at_the_request_timeout()
      throws Exception {
    String registry = serve(HostileRegistryDeadlineTest::trickle);

    RegistryObservation seen = probeWithin(REQUEST_TIMEOUT.plus(SLACK), List.of(registry)).get(0);

    assertThat(seen.connection().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(seen.connection().cause()).isEqualTo(PullErrorCause.NETWORK_TIMEOUT);
    assertThat(seen.connection().detail())
        .contains(registry)
        .contains("within the request timeout of 2000 ms");
  }

  @Test
  void a_run_over_several_hostile_registries_ends_within_the_run_deadline() throws Exception {
    String interim =
        serve(
            out -> {
              while (true) {
                out.write("HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              }
            });
    String trickling = serve(HostileRegistryDeadlineTest::trickle);
    // answers the ping at once, then trickles every later request: each one alone keeps to the
    // request timeout, all of them together would not keep to any run deadline
    String slowAfterPing =
        serve(
            (in, out) -> {
              if (requestLine(in).startsWith("GET /v2/ ")) {
                out.write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
              }
              trickle(out);
            });
    List<String> images = new ArrayList<>();
    images.add(interim + "/team/a:1");
    images.add(trickling + "/team/b:1");
    for (int i = 0; i < 6; i++) {
      images.add(slowAfterPing + "/team/image-" + i + ":1");
    }

    List<RegistryObservation> seen =
        probeImagesWithin(RUN_DEADLINE.plus(REQUEST_TIMEOUT).plus(SLACK), images);

    assertThat(seen).hasSize(images.size());
    for (int i = 0; i < images.size(); i++) {
      RegistryObservation observation = seen.get(i);
      String registry = images.get(i).substring(0, images.get(i).indexOf('/'));
      assertThat(observation.registry()).isEqualTo(registry);
      assertThat(observation.connection().detail() + observation.manifest().detail())
          .contains(registry);
    }
    RegistryObservation unfinished = seen.get(images.size() - 1);
    assertThat(unfinished.access().outcome()).isEqualTo(AccessOutcome.ERROR);
    assertThat(unfinished.manifest().detail())
        .isEqualTo(
            "the probe of "
                + slowAfterPing
                + " did not finish within the run's probe deadline of 3000 ms: the registry"
                + " answers too slowly or never stops answering");
  }

  @Test
  void the_run_deadline_defaults_to_five_request_timeouts_per_round_of_registries() {
    ProbePolicy defaults = ProbePolicy.defaults();

    assertThat(defaults.runDeadline(1)).isEqualTo(Duration.ofSeconds(50));
    assertThat(defaults.runDeadline(4)).isEqualTo(Duration.ofSeconds(50));
    assertThat(defaults.runDeadline(5)).isEqualTo(Duration.ofSeconds(100));
    assertThat(defaults.withRunDeadline(Duration.ofSeconds(7)).runDeadline(40))
        .isEqualTo(Duration.ofSeconds(7));
  }

  private List<RegistryObservation> probeWithin(Duration bound, List<String> registries) {
    return probeImagesWithin(bound, registries.stream().map(r -> r + "/team/source-x:1").toList());
  }

  private List<RegistryObservation> probeImagesWithin(Duration bound, List<String> images) {
    List<String> registries =
        images.stream().map(i -> i.substring(0, i.indexOf('/'))).distinct().toList();
    ProbePolicy policy =
        ProbePolicy.defaults()
            .allowing(List.of("127.0.0.0/8"))
            .withInsecureRegistries(registries)
            .withTimeouts(Duration.ofSeconds(1), REQUEST_TIMEOUT)
            .withRunDeadline(RUN_DEADLINE);
    RegistryProber prober =
        new RegistryProber(
            policy,
            StubResolver.empty(),
            connector,
            TlsSupport.system(),
            Proxies.none(),
            Probes.secrets(null, null),
            "test");
    return assertTimeoutPreemptively(
        bound,
        () -> {
          List<ProbeTarget> targets = new ArrayList<>();
          for (String image : images) {
            targets.add(Probes.target(image, null));
          }
          return prober.probe(targets);
        });
  }

  private static void trickle(OutputStream out) throws Exception {
    out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    while (true) {
      out.write('z');
      out.flush();
      Thread.sleep(1000);
    }
  }

  /** Reads the whole request head (so closing sends no reset) and returns its first line. */
  private static String requestLine(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    int end = head.indexOf("\r\n");
    return end < 0 ? head.toString() : head.substring(0, end);
  }

  @FunctionalInterface
  private interface Answer {
    void answer(InputStream in, OutputStream out) throws Exception;
  }

  @FunctionalInterface
  private interface Script {
    void answer(OutputStream out) throws Exception;
  }

  private String serve(Script script) throws IOException {
    return serve((in, out) -> script.answer(out));
  }

  /** A raw server on loopback, one thread per connection; returns its {@code host:port}. */
  private String serve(Answer answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(server);
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket socket = server.accept();
                  Thread handler =
                      new Thread(
                          () -> {
                            try (socket) {
                              answer.answer(socket.getInputStream(), socket.getOutputStream());
                            } catch (Exception e) {
                              // the probe hung up
                            }
                          });
                  handler.setDaemon(true);
                  handler.start();
                } catch (IOException e) {
                  // the test closed the server
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    return "127.0.0.1:" + server.getLocalPort();
  }
}
