package dev.pulldoctor.agent.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A kubeconfig for a test API server (fabric8's mock, a proxy in front of it, or nothing at all),
 * written where the test says. One cluster, context and user, all named {@link #name}; the server's
 * certificate is not checked (the mock's is self-signed).
 *
 * <pre>{@code
 * Path file = Kubeconfig.of(client).namespace("airbyte").writeTo(dir.resolve("kubeconfig"));
 * }</pre>
 */
public final class Kubeconfig {
  /** A loopback port nothing listens on: connections are refused at once. */
  public static final String UNREACHABLE = "https://127.0.0.1:1";

  private final String server;
  private String name = "mock";
  private String token = "not-a-canary";
  private @Nullable String namespace;

  private Kubeconfig(String server) {
    this.server = server;
  }

  /** For the server {@code client} talks to (a mock server's own client). */
  public static Kubeconfig of(KubernetesClient client) {
    return new Kubeconfig(client.getConfiguration().getMasterUrl());
  }

  /** For the server at {@code url}, e.g. {@code http://127.0.0.1:PORT} or {@link #UNREACHABLE}. */
  public static Kubeconfig of(String url) {
    return new Kubeconfig(url);
  }

  /** The name of the cluster, context and user; {@code mock} unless set. */
  public Kubeconfig name(String name) {
    this.name = name;
    return this;
  }

  /** The bearer token; {@code not-a-canary} unless set. */
  public Kubeconfig token(String token) {
    this.token = token;
    return this;
  }

  /** The context's namespace; none unless set. */
  public Kubeconfig namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public String text() {
    return """
    apiVersion: v1
    kind: Config
    clusters:
    - name: %1$s
      cluster: {server: "%2$s", insecure-skip-tls-verify: true}
    contexts:
    - name: %1$s
      context: {cluster: %1$s, user: %1$s%3$s}
    current-context: %1$s
    users:
    - name: %1$s
      user: {token: "%4$s"}
    """
        .formatted(name, server, namespace == null ? "" : ", namespace: " + namespace, token);
  }

  /** Writes the kubeconfig to {@code file} and returns it. */
  public Path writeTo(Path file) {
    try {
      Files.writeString(file, text(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
