package dev.pulldoctor.agent.probe;

import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Two real registries on loopback, started once per test JVM and shared: one with htpasswd Basic
 * auth, one with token auth backed by {@link TokenServer}, both with TLS from a test CA. Holds the
 * test images: {@code team/source-x:1.0} (linux/amd64), {@code team/source-arm:1.0} (linux/arm64
 * only) and {@code team/source-multi:1.0} (an index of both).
 */
public final class RealRegistries {
  public static final String USER = "robot";
  public static final String PASSWORD = "robot-pw-7c1d";

  /** The canary credentials of CanaryLeakIT; valid on the Basic registry. */
  public static final String CANARY_USER = "robot$acme";

  public static final String CANARY_PASSWORD = "c4n4ry-P4ss-9f1e";

  /** Known to the token service, but granted nothing. */
  public static final String OUTSIDER = "outsider";

  public static final String OUTSIDER_PASSWORD = "outsider-pw-51a0";
  private static final String PUSHER = "pusher";
  private static final String PUSHER_PASSWORD = "pusher-pw-0b9e";
  private static final String ISSUER = "pulldoctor-test-issuer";
  private static final String SERVICE = "pulldoctor-test";

  private static RealRegistries instance;

  private final TestPki pki;
  private final LocalRegistry basic;
  private final LocalRegistry token;
  private final TokenServer tokens;
  private final Path trustStore;

  private RealRegistries(
      TestPki pki, LocalRegistry basic, LocalRegistry token, TokenServer tokens, Path trustStore) {
    this.pki = pki;
    this.basic = basic;
    this.token = token;
    this.tokens = tokens;
    this.trustStore = trustStore;
  }

  /** The shared registries, started on first use (fails on CI, skips elsewhere, without binary). */
  public static synchronized RealRegistries get() throws Exception {
    LocalRegistry.requireBinary();
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
      // shared by the test classes that probe them; stopped when the JVM exits
      ProcessLeakCheck.sharedUntilExit(instance.basic.handle());
      ProcessLeakCheck.sharedUntilExit(instance.token.handle());
    }
    return instance;
  }

  private static RealRegistries start() throws Exception {
    Path dir = Files.createTempDirectory("pulldoctor-registries");
    TestPki pki = TestPki.ca("pulldoctor test CA");
    LocalRegistry basic =
        LocalRegistry.basic(
            Files.createDirectories(dir.resolve("basic")),
            pki,
            Map.of(USER, PASSWORD, CANARY_USER, CANARY_PASSWORD, PUSHER, PUSHER_PASSWORD));
    TokenServer tokens =
        new TokenServer(
            pki,
            ISSUER,
            SERVICE,
            Map.of(
                USER, new TokenServer.User(PASSWORD, Set.of("pull")),
                OUTSIDER, new TokenServer.User(OUTSIDER_PASSWORD, Set.of()),
                PUSHER, new TokenServer.User(PUSHER_PASSWORD, Set.of("pull", "push"))));
    LocalRegistry token =
        LocalRegistry.token(
            Files.createDirectories(dir.resolve("token")), pki, tokens.realm(), SERVICE, ISSUER);
    SSLContext client = pki.serverContext(pki.server());
    ImagePusher toBasic = new ImagePusher(client, basic.host(), basic(PUSHER, PUSHER_PASSWORD));
    toBasic.pushImage("team/source-x", "1.0", "linux", "amd64");
    toBasic.pushImage("team/source-arm", "1.0", "linux", "arm64");
    toBasic.pushIndex("team/source-multi", "1.0", List.of("amd64", "arm64"));
    new ImagePusher(client, token.host(), "Bearer " + tokens.tokenFor(PUSHER, "team/source-x"))
        .pushImage("team/source-x", "1.0", "linux", "amd64");
    Path trustStore = dir.resolve("truststore.p12");
    KeyStore store = pki.trustStore();
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      store.store(out, "changeit".toCharArray());
    }
    return new RealRegistries(pki, basic, token, tokens, trustStore);
  }

  /** {@code 127.0.0.1:PORT} of the htpasswd registry. */
  public String basicHost() {
    return basic.host();
  }

  /** {@code 127.0.0.1:PORT} of the token-auth registry. */
  public String tokenHost() {
    return token.host();
  }

  /**
   * The token service's {@code HOST:PORT} for {@code --probe-allow}: it runs on the token
   * registry's host but on another port, where pulldoctor sends credentials only when told to.
   */
  public String tokenRealmAuthority() {
    return tokens.authority();
  }

  public TokenServer tokens() {
    return tokens;
  }

  /** TLS that trusts the test CA. */
  public TlsSupport tls() throws Exception {
    return TlsSupport.trusting(pki.trustStore());
  }

  /** A PKCS12 trust store file (password {@code changeit}) holding the test CA. */
  public Path trustStoreFile() {
    return trustStore;
  }

  /** TLS that trusts only a CA that did not sign the registries' certificates. */
  public static TlsSupport untrustingTls() throws Exception {
    return TlsSupport.trusting(TestPki.ca("some other CA").trustStore());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private void close() {
    basic.close();
    token.close();
    tokens.close();
  }
}
