package dev.pulldoctor.agent.probe;

import static org.junit.jupiter.api.Assertions.fail;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.pulldoctor.agent.testsupport.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on 127.0.0.1 at a free port,
 * with TLS from a test CA and htpasswd (bcrypt) or token authentication. Tests that need it fail
 * when {@code CI=true} and the binary is missing, and are skipped with a message elsewhere.
 */
final class LocalRegistry implements AutoCloseable {
  static final String BINARY = "docker-registry";

  private final Process process;
  private final int port;
  private final Path dir;

  private LocalRegistry(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Fails (CI) or skips (elsewhere) when the registry binary is not installed. */
  static Path requireBinary() {
    for (String directory : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path candidate = Path.of(directory, BINARY);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        BINARY + " is not installed: apt-get install -y docker-registry (.ci/run installs it)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new IllegalStateException("unreachable");
  }

  /** A registry with htpasswd Basic authentication for {@code users} (name to password). */
  static LocalRegistry basic(Path dir, TestPki pki, Map<String, String> users) throws Exception {
    StringBuilder htpasswd = new StringBuilder();
    for (Map.Entry<String, String> user : users.entrySet()) {
      // bcrypt as htpasswd -B writes it; cost 4 keeps the test fast
      htpasswd
          .append(user.getKey())
          .append(':')
          .append(BCrypt.withDefaults().hashToString(4, user.getValue().toCharArray()))
          .append('\n');
    }
    Files.writeString(dir.resolve("htpasswd"), htpasswd, StandardCharsets.UTF_8);
    String auth =
        """
        auth:
          htpasswd:
            realm: pulldoctor-test
            path: %s
        """
            .formatted(dir.resolve("htpasswd"));
    return start(dir, pki, auth);
  }

  /** A registry that trusts tokens signed by a certificate of {@code pki}'s CA. */
  static LocalRegistry token(Path dir, TestPki pki, String realm, String service, String issuer)
      throws Exception {
    TestPki.writePem(dir.resolve("token-ca.pem"), pki.certificate());
    String auth =
        """
        auth:
          token:
            realm: %s
            service: %s
            issuer: %s
            rootcertbundle: %s
        """
            .formatted(realm, service, issuer, dir.resolve("token-ca.pem"));
    return start(dir, pki, auth);
  }

  private static LocalRegistry start(Path dir, TestPki pki, String auth) throws Exception {
    Path binary = requireBinary();
    TestPki.Issued server = pki.server();
    TestPki.writePem(dir.resolve("server.pem"), server.certificate(), pki.certificate());
    TestPki.writeKey(dir.resolve("server-key.pem"), server.keys().getPrivate());
    Files.createDirectories(dir.resolve("storage"));
    int port = freePort();
    String config =
        """
        version: 0.1
        log:
          level: error
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
          tls:
            certificate: %s
            key: %s
        %s
        """
            .formatted(
                dir.resolve("storage"),
                port,
                dir.resolve("server.pem"),
                dir.resolve("server-key.pem"),
                auth);
    Files.writeString(dir.resolve("config.yml"), config, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>(List.of(binary.toString(), "serve"));
    command.add(dir.resolve("config.yml").toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    LocalRegistry registry = new LocalRegistry(process, port, dir);
    registry.awaitListening(Duration.ofSeconds(20));
    return registry;
  }

  /** The registry's process. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}, as an image reference names it. */
  String host() {
    return "127.0.0.1:" + port;
  }

  private void awaitListening(Duration limit) {
    try {
      Waits.await(BINARY + " listening on " + port).atMost(limit).until(this::listening);
    } catch (ConditionTimeoutException e) {
      close();
      throw e;
    }
  }

  private boolean listening() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          BINARY
              + " exited: "
              + Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8));
    }
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
