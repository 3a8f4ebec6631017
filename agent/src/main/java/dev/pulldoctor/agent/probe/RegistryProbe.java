package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Probes one registry the way a container runtime pulls from it (k8s-pull-facts.md §5): {@code GET
 * /v2/} once, then per image the steps: the auth flow the challenge asks for ({@link TokenStep}),
 * then {@code HEAD} and {@code GET} of the manifest with its tag list or platforms ({@link
 * ManifestStep}).
 */
final class RegistryProbe {
  private final RegistryHttpClient http;
  private final RegistryEndpoint endpoint;
  private final TokenStep tokens;
  private final ManifestStep manifests;
  private @Nullable Connection connection;
  private @Nullable Challenge challenge;

  RegistryProbe(RegistryHttpClient http, String registry) {
    this.http = http;
    this.endpoint = RegistryEndpoint.of(registry, http.policy());
    this.tokens = new TokenStep(http, endpoint);
    this.manifests = new ManifestStep(http, endpoint);
  }

  /** {@code https}, or {@code http} for a registry named with {@code --insecure-registry}. */
  String scheme() {
    return endpoint.scheme();
  }

  /** DNS, TCP, TLS and {@code GET /v2/}, once per registry. */
  Connection connection() {
    if (connection == null) {
      connection = ping();
    }
    return connection;
  }

  private Connection ping() {
    Trace trace = new Trace();
    try {
      HttpResponse response = http.send(HttpRequest.get(endpoint.uri("/v2/")), trace);
      int status = response.status();
      if (status == 401) {
        challenge = Challenge.first(response.headers("www-authenticate"));
        if (challenge == null) {
          return failed(
              trace,
              PullErrorCause.OTHER,
              endpoint.display()
                  + " answers 401 to GET /v2/ without a WWW-Authenticate challenge, unlike a"
                  + " registry");
        }
        return ok(
            trace,
            challenge.scheme(),
            "GET /v2/ answered 401 with a "
                + challenge.scheme()
                + " challenge, as a registry does");
      }
      if (response.success()) {
        return ok(trace, null, "GET /v2/ answered " + status + " without asking for credentials");
      }
      if (status == 404 || status == 403 || status == 429) {
        return ok(trace, null, "GET /v2/ answered " + status);
      }
      if (status >= 500) {
        return failed(
            trace,
            PullErrorCause.REGISTRY_SERVER_ERROR,
            endpoint.display()
                + " answered "
                + status
                + " to GET /v2/: the registry has a server error");
      }
      return failed(
          trace,
          PullErrorCause.OTHER,
          endpoint.display() + " answered " + status + " to GET /v2/, unlike a registry");
    } catch (ProbeException e) {
      trace.certificate(e.certificate() != null ? e.certificate() : trace.certificate());
      return new Connection(
          e.refusedByPolicy() ? Outcome.REFUSED_BY_POLICY : Outcome.FAILED,
          e.stage(),
          e.pullCause(),
          e.detail(),
          trace.timings(),
          trace.certificate(),
          endpoint.scheme(),
          null,
          trace.address());
    }
  }

  /** The credential check and manifest lookup of one image, with one login or anonymously. */
  RegistryObservation probe(ProbeTarget target, @Nullable Login login) {
    List<String> secrets =
        login == null
            ? new ArrayList<>()
            : new ArrayList<>(ProbeText.secretForms(login.username(), login.password()));
    return ScrubbedObservation.of(probe(target, login, secrets), secrets);
  }

  /** The probe; {@code secrets} collects what is sent (a token fetched on the way is added). */
  private RegistryObservation probe(
      ProbeTarget target, @Nullable Login login, List<String> secrets) {
    String image = target.image().effective();
    Connection reached = connection();
    if (!reached.ok()) {
      return new RegistryObservation(
          image,
          endpoint.registry(),
          reached,
          Access.notChecked("the registry was not reached"),
          Manifest.notChecked("the registry was not reached"));
    }
    Challenge registryChallenge = challenge; // set by connection(); the steps only read it
    String path = target.reference().path();
    ProbeStepResult.Finished found =
        tokens
            .authorize(registryChallenge, path, login, secrets)
            .then(
                granted ->
                    manifests.lookUp(
                        target, registryChallenge, login, granted.authorization(), secrets));
    return new RegistryObservation(
        image, endpoint.registry(), reached, found.access(), found.manifest());
  }

  private Connection ok(Trace trace, @Nullable String challengeScheme, String detail) {
    return new Connection(
        Outcome.OK,
        null,
        null,
        detail,
        trace.timings(),
        trace.certificate(),
        endpoint.scheme(),
        challengeScheme,
        trace.address());
  }

  private Connection failed(Trace trace, PullErrorCause cause, String detail) {
    return new Connection(
        Outcome.FAILED,
        Stage.HTTP,
        cause,
        detail,
        trace.timings(),
        trace.certificate(),
        endpoint.scheme(),
        null,
        trace.address());
  }
}
