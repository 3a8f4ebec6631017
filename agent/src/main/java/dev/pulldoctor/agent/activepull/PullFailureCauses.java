package dev.pulldoctor.agent.activepull;

import dev.pulldoctor.rules.classify.PullErrorCause;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The cause of a failed test pull, from the kubelet's reason and message, by the fingerprints of
 * k8s-pull-facts.md §3.1 in their order (the first hit wins). A compact stand-in for the full
 * classifier of {@code pulldoctor classify}, which should replace it where both exist.
 */
final class PullFailureCauses {
  private static final List<Map.Entry<PullErrorCause, List<String>>> FINGERPRINTS =
      List.of(
          Map.entry(
              PullErrorCause.NEVER_PULL_POLICY,
              List.of("is not present with pull policy of never", "errimageneverpull")),
          Map.entry(
              PullErrorCause.INVALID_REFERENCE,
              List.of(
                  "invalid reference format",
                  "couldn't parse image reference",
                  "invalidimagename",
                  "repository name must be lowercase",
                  "failed to apply default image tag")),
          Map.entry(
              PullErrorCause.RATE_LIMIT,
              List.of("toomanyrequests", "429 too many requests", "pull rate limit")),
          Map.entry(
              PullErrorCause.PROXY, List.of("proxyconnect tcp", "proxy authentication required")),
          Map.entry(
              PullErrorCause.TLS,
              List.of(
                  "x509:",
                  "certificate signed by unknown authority",
                  "tls: failed to verify certificate",
                  "server gave http response to https client")),
          Map.entry(
              PullErrorCause.NETWORK_DNS,
              List.of(
                  "no such host", "server misbehaving", "temporary failure in name resolution")),
          Map.entry(
              PullErrorCause.NETWORK_REFUSED,
              List.of("connect: connection refused", "connection reset by peer")),
          Map.entry(
              PullErrorCause.NETWORK_TIMEOUT,
              List.of(
                  "i/o timeout",
                  "connection timed out",
                  "tls handshake timeout",
                  "client.timeout exceeded",
                  "context deadline exceeded",
                  "deadlineexceeded",
                  "context canceled")),
          Map.entry(
              PullErrorCause.PLATFORM,
              List.of(
                  "no match for platform in manifest",
                  "no matching manifest for",
                  "no image found in manifest list for architecture")),
          Map.entry(
              PullErrorCause.AUTH,
              List.of(
                  "401 unauthorized",
                  "403 forbidden",
                  "unauthorized:",
                  "failed to fetch oauth token",
                  "failed to fetch anonymous token",
                  "no basic auth credentials",
                  "authorization token has expired",
                  "denied: permission",
                  "insufficient_scope",
                  "pull access denied",
                  "requested access to the resource is denied")),
          Map.entry(
              PullErrorCause.NOT_FOUND,
              List.of(
                  "manifest unknown", ": not found", "requested image not found", "name_unknown")),
          Map.entry(
              PullErrorCause.REGISTRY_SERVER_ERROR,
              List.of(
                  "500 internal server error",
                  "502 bad gateway",
                  "503 service unavailable",
                  "unexpected http status: 5")));

  private PullFailureCauses() {}

  static PullErrorCause classify(@Nullable String reason, @Nullable String message) {
    String text =
        ((reason == null ? "" : reason) + " " + (message == null ? "" : message))
            .toLowerCase(Locale.ROOT);
    for (Map.Entry<PullErrorCause, List<String>> fingerprint : FINGERPRINTS) {
      if (fingerprint.getValue().stream().anyMatch(text::contains)) {
        return fingerprint.getKey();
      }
    }
    return PullErrorCause.OTHER;
  }
}
