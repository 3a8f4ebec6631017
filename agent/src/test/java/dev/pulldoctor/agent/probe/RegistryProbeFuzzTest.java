package dev.pulldoctor.agent.probe;

import static dev.pulldoctor.agent.FuzzInput.CANARY;
import static dev.pulldoctor.agent.FuzzInput.assertNoCanary;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pulldoctor.rules.model.RegistryObservation;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the registry probe end to end against a hostile registry: its HTTP/1.1 reader (status
 * line, headers, chunked and capped bodies), the {@code WWW-Authenticate} challenge, the token
 * answer, redirects, the Registry API error body, the manifest or index and the config blob.
 *
 * <p>Input: the answers to successive connections, separated by a line {@code ~~~}; the client
 * opens one connection per request. Names ending in {@code .fuzz} resolve to loopback, {@code
 * rebind.fuzz} to the metadata address (the guard must refuse it), anything else does not resolve.
 * No connection is ever made: sockets are {@link ScriptedSocket}s.
 *
 * <p>Properties: the probe returns an observation whatever the answers; the password (the canary)
 * and its Basic form appear nowhere in it, even when the registry echoes them; Basic credentials
 * are only written to the registry or to a host the policy trusts with them; no forbidden address
 * gets past the guard; every text is bounded.
 */
class RegistryProbeFuzzTest {
  private static final String REGISTRY = "registry.fuzz:5000";
  private static final String USER = "fuzz-user";
  private static final String BASIC =
      Base64.getEncoder().encodeToString((USER + ":" + CANARY).getBytes(StandardCharsets.UTF_8));
  private static final byte[] SEPARATOR = "\n~~~\n".getBytes(StandardCharsets.US_ASCII);
  private static final ProbePolicy POLICY =
      ProbePolicy.defaults()
          .allowing(List.of("127.0.0.0/8"))
          .withInsecureRegistries(List.of(REGISTRY))
          .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));

  @FuzzTest(maxDuration = "5m")
  void registry(byte[] bytes) throws Exception {
    List<byte[]> answers = split(bytes);
    List<ScriptedSocket> opened = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    Connector connector =
        (address, timeoutMillis) -> {
          String reason = ForbiddenAddresses.reason(address.getAddress());
          if (reason != null) {
            forbidden.add(address + ": " + reason);
          }
          if (opened.size() >= answers.size()) {
            throw new ConnectException("the script has no more answers");
          }
          ScriptedSocket socket = new ScriptedSocket(answers.get(opened.size()));
          opened.add(socket);
          return socket;
        };
    Resolver resolver =
        host -> {
          String name = host.toLowerCase(Locale.ROOT);
          if (name.equals("rebind.fuzz")) {
            return List.of(
                InetAddress.getByAddress(
                    name, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}));
          }
          if (name.endsWith(".fuzz")) {
            return List.of(InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1}));
          }
          throw new UnknownHostException(host);
        };

    RegistryObservation seen =
        Probes.probe(
            POLICY,
            resolver,
            connector,
            TlsSupport.system(),
            REGISTRY + "/team/source-x:1.0",
            USER,
            CANARY);

    if (!forbidden.isEmpty()) {
      throw new AssertionError("connected past the guard to " + forbidden);
    }
    String shown = seen.toString();
    assertNoCanary("the observation", shown);
    if (shown.contains(BASIC)) {
      throw new AssertionError("the observation holds the Basic credentials: " + shown);
    }
    if (shown.length() > 20_000) {
      throw new AssertionError("an unbounded observation of " + shown.length() + " chars");
    }
    for (ScriptedSocket socket : opened) {
      String request = new String(socket.written(), StandardCharsets.ISO_8859_1);
      if (request.contains(BASIC)) {
        String host = header(request, "Host");
        String bare = host.replaceFirst(":[0-9]+$", "");
        if (!host.equalsIgnoreCase(REGISTRY)
            && !POLICY.mayReceiveCredentials("registry.fuzz", bare)) {
          throw new AssertionError("credentials sent to " + host);
        }
      }
    }
  }

  private static List<byte[]> split(byte[] bytes) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i + SEPARATOR.length <= bytes.length; i++) {
      if (matches(bytes, i)) {
        parts.add(java.util.Arrays.copyOfRange(bytes, start, i));
        start = i + SEPARATOR.length;
        i = start - 1;
      }
    }
    parts.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    return parts;
  }

  private static boolean matches(byte[] bytes, int at) {
    for (int j = 0; j < SEPARATOR.length; j++) {
      if (bytes[at + j] != SEPARATOR[j]) {
        return false;
      }
    }
    return true;
  }

  private static String header(String request, String name) throws IOException {
    for (String line : request.lines().toList()) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    throw new IOException("no " + name + " header in " + request);
  }
}
