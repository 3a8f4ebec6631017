package dev.pulldoctor.rules.classify;

import static dev.pulldoctor.rules.classify.PullErrorCause.AUTH;
import static dev.pulldoctor.rules.classify.PullErrorCause.INVALID_REFERENCE;
import static dev.pulldoctor.rules.classify.PullErrorCause.NETWORK_DNS;
import static dev.pulldoctor.rules.classify.PullErrorCause.NETWORK_REFUSED;
import static dev.pulldoctor.rules.classify.PullErrorCause.NETWORK_TIMEOUT;
import static dev.pulldoctor.rules.classify.PullErrorCause.NEVER_PULL_POLICY;
import static dev.pulldoctor.rules.classify.PullErrorCause.NOT_FOUND;
import static dev.pulldoctor.rules.classify.PullErrorCause.OTHER;
import static dev.pulldoctor.rules.classify.PullErrorCause.PLATFORM;
import static dev.pulldoctor.rules.classify.PullErrorCause.PROXY;
import static dev.pulldoctor.rules.classify.PullErrorCause.RATE_LIMIT;
import static dev.pulldoctor.rules.classify.PullErrorCause.REGISTRY_SERVER_ERROR;
import static dev.pulldoctor.rules.classify.PullErrorCause.TLS;

import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Classifies the text of a failed image pull (kubelet event, container status, runtime log) into a
 * {@link PullErrorCause}, from the fingerprints of containerd, CRI-O and Docker collected in
 * k8s-pull-facts.md §3.
 *
 * <p>Fingerprints are tried in order and the first hit wins, because one message often carries
 * several signals: a DNS failure ends in {@code i/o timeout}, a proxy failure contains a DNS
 * lookup, and a token request for the wrong credentials says both "pull access denied" and
 * "expired".
 */
public final class PullErrorClassifier {
  private static final String TOKEN_HOSTS =
      " Token and blob downloads often go to other hosts than the registry (auth.docker.io, a"
          + " CDN, S3), which firewall allowlists miss.";

  private static final List<Fingerprint> FINGERPRINTS =
      List.of(
          // 1. The kubelet decides these before calling the runtime.
          Fingerprint.of(
              NEVER_PULL_POLICY,
              "The container's imagePullPolicy is Never and the image is not on the node, so the"
                  + " kubelet does not pull it: load the image onto the node (kind load"
                  + " docker-image on kind and abctl) or use IfNotPresent.",
              t -> t.has("is not present with pull policy of never", "errimageneverpull")),
          Fingerprint.of(
              INVALID_REFERENCE,
              "CRI-O cannot resolve a short image name: no alias and no unqualified-search"
                  + " registry is configured. Use the fully qualified name, e.g."
                  + " docker.io/org/image:tag.",
              t ->
                  t.has(
                      "short-name",
                      "short name",
                      "unqualified-search registries",
                      "pull an unqualified image")),
          Fingerprint.of(
              INVALID_REFERENCE,
              "The image name is not a valid reference (upper case in the repository, a URL"
                  + " scheme such as https://, or a stray character), so the kubelet rejects it"
                  + " before any pull.",
              t ->
                  t.has(
                      "failed to apply default image tag",
                      "couldn't parse image reference",
                      "invalid reference format",
                      "invalidimagename",
                      "repository name must be lowercase",
                      "invalid repository name")),
          // 2. Answers that only a reachable registry gives, but that name a limit, not a cause.
          Fingerprint.of(
              RATE_LIMIT,
              "The kubelet's own pull rate limit (registryPullQPS / registryBurst) was hit; the"
                  + " pull is retried.",
              t -> t.has("pull qps exceeded")),
          Fingerprint.of(
              RATE_LIMIT,
              "The registry refused the pull with 429 Too Many Requests. Docker Hub limits"
                  + " anonymous pulls per IP address: a pull secret with a Docker Hub account"
                  + " that matches docker.io raises the limit; a mirror avoids it.",
              t ->
                  t.has("toomanyrequests", "too many requests", "pull rate limit", "rate exceeded")
                      || t.status(429)),
          // 3. Transport, outermost first: proxy, then TLS, then DNS, connection, timeout.
          Fingerprint.of(
              PROXY,
              "The proxy in front of the registry demands credentials (407 Proxy Authentication"
                  + " Required): set them in the node runtime's HTTPS_PROXY.",
              t -> t.has("proxy authentication required") || t.status(407)),
          Fingerprint.of(
              PROXY,
              "The container runtime sends registry traffic through an HTTP(S) proxy that could"
                  + " not be reached (proxyconnect): check HTTP_PROXY, HTTPS_PROXY and NO_PROXY of"
                  + " containerd, CRI-O or Docker on the nodes.",
              t -> t.has("proxyconnect")),
          Fingerprint.of(
              NETWORK_TIMEOUT,
              "The TLS handshake with the registry timed out: the nodes reach the host but the"
                  + " connection stalls (a firewall, MTU, or an overloaded proxy or registry).",
              t -> t.has("tls handshake timeout")),
          Fingerprint.of(
              TLS,
              "The registry answers in plain HTTP but the runtime speaks HTTPS: serve the registry"
                  + " over TLS, or declare it as an HTTP registry in the runtime's configuration on"
                  + " every node (containerd hosts.toml with an http:// server).",
              t ->
                  t.has(
                      "server gave http response to https client",
                      "does not look like a tls handshake")),
          Fingerprint.of(
              TLS,
              "The nodes do not trust the registry's TLS certificate (self-signed or a private"
                  + " CA, expired, or issued for another name): install the CA for the runtime on"
                  + " every node (containerd or CRI-O certs.d) or fix the certificate; do not turn"
                  + " verification off.",
              t ->
                  t.has(
                      "x509:",
                      "certificate signed by unknown authority",
                      "certificate is valid for",
                      "certificate is not valid for",
                      "certificate has expired",
                      "certificate verify failed",
                      "unknown certificate authority",
                      "tls: ")),
          Fingerprint.of(
              NETWORK_DNS,
              "The nodes could not resolve the registry's host name. Image pulls use the node's"
                  + " resolver, not cluster DNS: check the host name and the nodes' DNS servers.",
              t ->
                  t.has(
                          "dial tcp: lookup ",
                          "dial udp: lookup ",
                          "no such host",
                          "name resolution",
                          "server misbehaving",
                          "name or service not known",
                          "nodename nor servname")
                      || (t.has("lookup ") && t.has(":53: "))),
          Fingerprint.of(
              NETWORK_DNS,
              "The image names a cluster-internal host (*.svc). Image pulls are made by the"
                  + " node's container runtime, which resolves names with the node's resolver,"
                  + " not cluster DNS: use a name or address the nodes can resolve.",
              t ->
                  t.has(".svc.cluster.local", ".svc:", ".svc/")
                      && t.has("dial tcp", "timeout", "refused", "timed out", "deadline")),
          Fingerprint.of(
              NETWORK_REFUSED,
              "The connection to the registry was refused, reset or closed (EOF): nothing listens"
                  + " on that host and port, or a firewall or proxy rejects it."
                  + TOKEN_HOSTS,
              t ->
                  t.has(
                          "connection refused",
                          "connection reset",
                          "no route to host",
                          "network is unreachable",
                          "broken pipe")
                      || t.endsWithEof()),
          Fingerprint.of(
              NETWORK_TIMEOUT,
              "The connection to the registry timed out, or the runtime cancelled a pull that"
                  + " stalled: a firewall dropping packets, no route from the nodes, or a pull"
                  + " slower than the runtime's progress timeout."
                  + TOKEN_HOSTS,
              t ->
                  t.has(
                      "i/o timeout",
                      "timed out",
                      "timeout exceeded",
                      "awaiting headers",
                      "deadline exceeded",
                      "deadlineexceeded",
                      "code = 4 desc",
                      "code = canceled",
                      "context canceled",
                      "request canceled",
                      "operation was canceled")),
          // 4. The registry answered about the image.
          Fingerprint.of(
              PLATFORM,
              "The image has no variant for the nodes' OS and architecture (e.g. an amd64-only"
                  + " image on arm64 nodes): build a multi-architecture image (docker buildx build"
                  + " --platform linux/amd64,linux/arm64) or run connector pods on matching nodes.",
              t ->
                  t.has(
                          "no match for platform",
                          "no matching manifest for",
                          "does not match the specified platform")
                      || (t.has("no image found in") && t.has("for architecture"))),
          Fingerprint.of(
              REGISTRY_SERVER_ERROR,
              "The registry, or a mirror or proxy in front of it, failed with a server error"
                  + " (5xx): usually an outage or an overloaded registry; retry later.",
              t -> t.serverErrorStatus() && !t.clientRefusalStatus()),
          // 5. Credentials whose state the message names: the explaining rule is specific.
          Fingerprint.of(
                  AUTH,
                  "A pull secret named by the pod does not exist in its namespace"
                      + " (FailedToRetrieveImagePullSecret): the kubelet pulls without it, so a"
                      + " private image fails with 401 or \"pull access denied\".",
                  t -> t.has("unable to retrieve some image pull secrets"))
              .rule("pullsecret.exists"),
          Fingerprint.of(
                  AUTH,
                  "The kubelet could not read a pull secret (its auth field is not valid"
                      + " base64 user:password) and pulled without it.",
                  t -> t.has("unable to parse auth field", "illegal base64 data"))
              .rule("pullsecret.format"),
          Fingerprint.of(
                  AUTH,
                  "The registry token in the pull secret has expired (ECR tokens last 12 h, GCR"
                      + " access tokens 1 h): use the cloud credential provider or refresh the"
                      + " secret on a schedule.",
                  t -> t.has("token has expired", "token expired", "expired token"))
              .rule("pullsecret.token-expiry"),
          Fingerprint.of(
              AUTH,
              "No credentials were sent for this registry: no pull secret of the pod matches the"
                  + " image's registry host by the kubelet's rules, or the secret is missing.",
              t -> t.has("no basic auth credentials")),
          Fingerprint.of(
                  AUTH,
                  "The runtime sent no credentials (containerd asked for an anonymous token) and"
                      + " the registry refused: usually no pull secret of the pod matches the"
                      + " image's registry host, or the secret is missing or of the wrong type."
                      + " GHCR and ACR give the same answer for an image that does not exist.",
                  t -> t.has("anonymous token"))
              .alternatives(NOT_FOUND),
          Fingerprint.of(
              AUTH,
              "The identity pulling may not read this Artifact Registry repository: grant"
                  + " roles/artifactregistry.reader to the nodes' service account, or use a pull"
                  + " secret for the registry.",
              t -> t.has("artifactregistry.repositories.downloadartifacts") && !t.has("may not")),
          Fingerprint.of(
                  AUTH,
                  "Either the identity pulling may not read this Artifact Registry repository"
                      + " (grant roles/artifactregistry.reader to the nodes' service account, or"
                      + " use a pull secret), or the repository does not exist.",
                  t -> t.has("artifactregistry.repositories.downloadartifacts"))
              .alternatives(NOT_FOUND),
          Fingerprint.of(
                  AUTH,
                  "The registry refused the credentials that were sent: a wrong username,"
                      + " password or token, an expired token, or no pull permission on this"
                      + " repository (GHCR answers \"denied\" to a stale token even for a public"
                      + " image).",
                  t ->
                      t.has(
                          "failed to fetch oauth token",
                          "no scope specified for token auth challenge",
                          "denied: denied",
                          "incorrect username or password",
                          "invalid username/password",
                          "invalid credentials",
                          "not authorized to perform"))
              .rule("pullsecret.credentials"),
          // 6. Docker Hub's answer that does not say whether the repository exists (§3.2).
          Fingerprint.of(
                  NOT_FOUND,
                  "The registry gives the same answer for an image that does not exist and for a"
                      + " private one without access: either the repository name or tag is wrong"
                      + " (a name without a registry host, such as myregistry/app, is looked up"
                      + " on Docker Hub), or credentials are missing or not accepted.",
                  t ->
                      t.has(
                          "repository does not exist or may require",
                          "insufficient_scope",
                          "requested access to the resource is denied",
                          "pull access denied"))
              .alternatives(AUTH),
          // 7. Plain refusals and absences.
          Fingerprint.of(
                  AUTH,
                  "The registry refused the pull as unauthorized (401 or 403): no credentials were"
                      + " sent for this registry, or they were not accepted. ACR and GHCR give this"
                      + " answer for an image that does not exist, too.",
                  t -> isRefusal(t) && t.has("azurecr.", "ghcr.io"))
              .alternatives(NOT_FOUND),
          Fingerprint.of(
              AUTH,
              "The registry refused the pull as unauthorized (401 or 403): no credentials were"
                  + " sent for this registry, or they were not accepted.",
              PullErrorClassifier::isRefusal),
          Fingerprint.of(
                  NOT_FOUND,
                  "The registry has no such repository, tag or digest. GHCR also answers \"not"
                      + " found\" for a private package the caller may not read.",
                  t -> isAbsence(t) && t.has("ghcr.io"))
              .alternatives(AUTH),
          Fingerprint.of(
              NOT_FOUND,
              "The registry has no such repository, tag or digest: check the image name and tag,"
                  + " and that the image was pushed to this registry.",
              PullErrorClassifier::isAbsence),
          Fingerprint.of(
              REGISTRY_SERVER_ERROR,
              "The registry, or a mirror or proxy in front of it, rejected the request as bad"
                  + " (400): usually a mirror or storage backend fault rather than the image.",
              t ->
                  t.status(400)
                      || t.status(405)
                      || t.has("internal server error", "service unavailable", "bad gateway")),
          // 8. Messages that carry no cause.
          Fingerprint.of(
              OTHER,
              "A signature policy of the container runtime rejected the image.",
              t -> t.has("signature", "policy requirements", "source image rejected")),
          Fingerprint.of(
              OTHER,
              "This message only says that pulls fail and the kubelet backs off; the cause is in"
                  + " the preceding \"Failed to pull image\" event of the same image.",
              t ->
                  t.has(
                      "back-off pulling image",
                      "error: errimagepull",
                      "error: imagepullbackoff",
                      "imagepullbackoff",
                      "errimagepull")));

  private static final Classification UNKNOWN =
      new Classification(
          OTHER,
          "The message matches no known cause of a failed pull; read it in full.",
          List.of());

  private PullErrorClassifier() {}

  /** Classifies one message; never fails, whatever the input. */
  public static Classification classify(@Nullable String message) {
    if (message == null || message.isBlank()) {
      return UNKNOWN;
    }
    MessageText text = MessageText.of(message);
    for (Fingerprint fingerprint : FINGERPRINTS) {
      if (fingerprint.test().test(text)) {
        return fingerprint.classification();
      }
    }
    return UNKNOWN;
  }

  private static boolean isRefusal(MessageText t) {
    return t.status(401)
        || t.status(403)
        || t.has(
            "unauthorized",
            "forbidden",
            "authentication required",
            "failed to authorize",
            "authorization failed",
            "not authorized",
            "access denied",
            "denied:",
            "code = permissiondenied",
            "code = unauthenticated");
  }

  private static boolean isAbsence(MessageText t) {
    return t.status(404)
        || t.has(
            "manifest unknown",
            "name_unknown",
            "name unknown",
            "requested image not found",
            "does not exist in the registry",
            "not found",
            "code = notfound");
  }

  /** One ordered fingerprint: a predicate on the message and what a hit means. */
  private record Fingerprint(
      PullErrorCause cause,
      String explanation,
      Predicate<MessageText> test,
      List<PullErrorCause> alternatives,
      @Nullable String rule) {

    static Fingerprint of(PullErrorCause cause, String explanation, Predicate<MessageText> test) {
      return new Fingerprint(cause, explanation, test, List.of(), cause.rule().orElse(null));
    }

    Fingerprint alternatives(PullErrorCause... causes) {
      return new Fingerprint(cause, explanation, test, List.of(causes), rule);
    }

    Fingerprint rule(String ruleId) {
      return new Fingerprint(cause, explanation, test, alternatives, ruleId);
    }

    Classification classification() {
      return new Classification(cause, explanation, alternatives, rule);
    }
  }
}
