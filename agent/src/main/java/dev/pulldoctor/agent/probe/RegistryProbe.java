package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Probes one registry the way a container runtime pulls from it (k8s-pull-facts.md §5): {@code GET
 * /v2/}, then per image the auth flow the challenge asks for (Basic, or a Bearer token for {@code
 * repository:<name>:pull}), {@code HEAD} and {@code GET} of the manifest, and the config blob of a
 * single-platform image.
 */
final class RegistryProbe {
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
  // OCI image-spec descriptor digest grammar
  private static final Pattern DIGEST =
      Pattern.compile("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}$");
  private static final int TAGS_SHOWN = 10;

  private final RegistryHttpClient http;
  private final String registry;
  private final String scheme;
  private @Nullable Connection connection;
  private @Nullable Challenge challenge;

  RegistryProbe(RegistryHttpClient http, String registry) {
    this.http = http;
    this.registry = registry;
    URI base = URI.create("https://" + registry);
    int port = base.getPort() > 0 ? base.getPort() : 443;
    this.scheme =
        base.getHost() != null
                && http.policy().allowsPlainHttp(RegistryHttpClient.bare(base.getHost()), port)
            ? "http"
            : "https";
  }

  /** {@code https}, or {@code http} for a registry named with {@code --insecure-registry}. */
  String scheme() {
    return scheme;
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
    URI uri = uri("/v2/");
    try {
      HttpResponse response = http.send(HttpRequest.get(uri), trace);
      int status = response.status();
      if (status == 401) {
        challenge = Challenge.first(response.headers("www-authenticate"));
        if (challenge == null) {
          return failed(
              trace,
              Stage.HTTP,
              PullErrorCause.OTHER,
              display()
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
            Stage.HTTP,
            PullErrorCause.REGISTRY_SERVER_ERROR,
            display() + " answered " + status + " to GET /v2/: the registry has a server error");
      }
      return failed(
          trace,
          Stage.HTTP,
          PullErrorCause.OTHER,
          display() + " answered " + status + " to GET /v2/, unlike a registry");
    } catch (ProbeException e) {
      trace.certificate(e.certificate() != null ? e.certificate() : trace.certificate());
      return new Connection(
          e.refusedByPolicy() ? Outcome.REFUSED_BY_POLICY : Outcome.FAILED,
          e.stage(),
          e.pullCause(),
          e.detail(),
          trace.timings(),
          trace.certificate(),
          scheme,
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
          registry,
          reached,
          Access.notChecked("the registry was not reached"),
          Manifest.notChecked("the registry was not reached"));
    }
    String path = target.reference().path();
    Authorization authorization = authorize(path, login, secrets);
    if (authorization.failure != null) {
      return new RegistryObservation(
          image,
          registry,
          reached,
          authorization.failure,
          Manifest.notChecked("no token to ask with: " + authorization.failure.detail()));
    }
    return lookUp(target, login, authorization.header, secrets);
  }

  /** What to send in {@code Authorization}, or why nothing can be asked. */
  private static final class Authorization {
    final @Nullable String header;
    final @Nullable Access failure;

    Authorization(@Nullable String header, @Nullable Access failure) {
      this.header = header;
      this.failure = failure;
    }
  }

  private Authorization authorize(String path, @Nullable Login login, List<String> secrets) {
    if (challenge == null) {
      return new Authorization(null, null);
    }
    if (challenge.basic()) {
      return new Authorization(login == null ? null : basic(login), null);
    }
    if (!challenge.bearer()) {
      return new Authorization(
          null,
          access(
              AccessOutcome.ERROR,
              login,
              0,
              RegistryErrors.NONE,
              "the registry asks for "
                  + challenge.scheme()
                  + " authentication, which"
                  + " container runtimes do not speak"));
    }
    String realm = challenge.parameter("realm");
    URI realmUri;
    try {
      realmUri = realm == null ? null : new URI(realm);
    } catch (URISyntaxException e) {
      realmUri = null;
    }
    if (realmUri == null || realmUri.getHost() == null) {
      return new Authorization(
          null,
          access(
              AccessOutcome.ERROR,
              login,
              0,
              RegistryErrors.NONE,
              "the registry's Bearer challenge has no valid token realm URL"));
    }
    String realmHost = RegistryHttpClient.bare(realmUri.getHost());
    String withheld = login == null ? null : http.policy().credentialRefusal(uri("/"), realmUri);
    if (withheld != null) {
      return new Authorization(
          null,
          access(
              AccessOutcome.WITHHELD,
              login,
              0,
              RegistryErrors.NONE,
              "pulldoctor did not send the credentials to the token realm "
                  + realmHost
                  + ": "
                  + withheld));
    }
    StringBuilder query = new StringBuilder();
    String service = challenge.parameter("service");
    if (service != null) {
      query.append("service=").append(encode(service)).append('&');
    }
    query.append("scope=").append(encode("repository:" + path + ":pull"));
    URI tokenUri;
    try {
      tokenUri =
          new URI(
              realmUri.getScheme()
                  + "://"
                  + realmUri.getRawAuthority()
                  + (realmUri.getRawPath() == null ? "" : realmUri.getRawPath())
                  + "?"
                  + (realmUri.getRawQuery() == null ? "" : realmUri.getRawQuery() + "&")
                  + query);
    } catch (URISyntaxException e) {
      return new Authorization(
          null,
          access(AccessOutcome.ERROR, login, 0, RegistryErrors.NONE, "invalid token realm URL"));
    }
    HttpRequest request = HttpRequest.get(tokenUri).noRedirects();
    if (login != null) {
      request = request.header("Authorization", basic(login));
    }
    try {
      HttpResponse response = http.send(request, new Trace());
      RegistryErrors errors = RegistryErrors.of(response, secrets);
      int status = response.status();
      if (status == 401 || status == 403) {
        return new Authorization(
            null,
            access(
                login == null ? AccessOutcome.ANONYMOUS_REJECTED : AccessOutcome.REJECTED,
                login,
                status,
                errors,
                "the token service at "
                    + realmHost
                    + " answered "
                    + status
                    + (login == null
                        ? " to an anonymous token request"
                        : " to the credentials for repository:" + path + ":pull")));
      }
      if (status == 429) {
        return new Authorization(
            null,
            access(
                AccessOutcome.RATE_LIMITED,
                login,
                status,
                errors,
                "the token service at " + realmHost + " answered 429 Too Many Requests"));
      }
      String token = response.success() ? token(response) : null;
      if (token == null) {
        return new Authorization(
            null,
            access(
                AccessOutcome.ERROR,
                login,
                status,
                errors,
                "the token service at "
                    + realmHost
                    + " answered "
                    + status
                    + (response.success() ? " without a token" : "")));
      }
      secrets.add(token);
      return new Authorization("Bearer " + token, null);
    } catch (ProbeException e) {
      return new Authorization(
          null,
          access(
              AccessOutcome.ERROR,
              login,
              0,
              RegistryErrors.NONE,
              "the token service at " + realmHost + " could not be asked: " + e.detail()));
    }
  }

  private RegistryObservation lookUp(
      ProbeTarget target,
      @Nullable Login login,
      @Nullable String authorization,
      List<String> secrets) {
    String image = target.image().effective();
    String path = target.reference().path();
    URI manifestUri = uri("/v2/" + path + "/manifests/" + target.manifestReference());
    HttpRequest request =
        HttpRequest.get(manifestUri).header("Accept", ACCEPT).authorization(authorization);
    Connection reached = connection();
    try {
      HttpResponse head = http.send(request.method("HEAD"), new Trace());
      HttpResponse response = http.send(request, new Trace());
      RegistryErrors errors = RegistryErrors.of(response, secrets);
      int status = response.status();
      if (status == 401 || status == 403) {
        AccessOutcome outcome;
        String detail;
        if (login == null) {
          outcome = AccessOutcome.ANONYMOUS_REJECTED;
          detail = "the registry refuses an anonymous pull of " + path + " (" + status + ")";
        } else if (status == 401 && (challenge == null || challenge.basic())) {
          outcome = AccessOutcome.REJECTED;
          detail = "the registry rejected the credentials (" + status + ")";
        } else {
          outcome = AccessOutcome.NO_PULL_ACCESS;
          detail =
              "the credentials were accepted, but they give no pull access to "
                  + path
                  + " ("
                  + status
                  + ")";
        }
        return new RegistryObservation(
            image,
            registry,
            reached,
            access(outcome, login, status, errors, detail),
            new Manifest(
                ManifestOutcome.DENIED,
                status,
                errors.code(),
                errors.message(),
                null,
                null,
                false,
                List.of(),
                "the registry did not say whether " + image + " exists"));
      }
      if (status == 429) {
        return new RegistryObservation(
            image,
            registry,
            reached,
            access(AccessOutcome.RATE_LIMITED, login, status, errors, "429 Too Many Requests"),
            manifestError(status, errors, "the registry answered 429 Too Many Requests"));
      }
      Access granted =
          access(
              login == null ? AccessOutcome.ANONYMOUS_ACCEPTED : AccessOutcome.ACCEPTED,
              login,
              status,
              RegistryErrors.NONE,
              login == null
                  ? "the registry lets anyone pull " + path
                  : "the registry accepted the credentials for pulling " + path);
      if (status == 404) {
        ManifestOutcome outcome =
            "MANIFEST_UNKNOWN".equals(errors.code())
                ? ManifestOutcome.MISSING_TAG
                : "NAME_UNKNOWN".equals(errors.code())
                    ? ManifestOutcome.MISSING_REPOSITORY
                    : ManifestOutcome.NOT_FOUND;
        String detail = "HEAD and GET of the manifest answered " + head.status() + " and " + status;
        if (outcome != ManifestOutcome.MISSING_REPOSITORY) {
          // Registries (distribution among them) say MANIFEST_UNKNOWN for a tag of a repository
          // that does not exist either; the tag list tells the two apart and names real tags.
          Tags tags = tags(path, authorization, secrets);
          if (tags.missingRepository()) {
            outcome = ManifestOutcome.MISSING_REPOSITORY;
            errors = tags.errors();
            detail = "the tag list of the repository answered 404 " + errors.code();
          } else if (tags.names() != null) {
            outcome = ManifestOutcome.MISSING_TAG;
            detail =
                tags.names().isEmpty()
                    ? "the repository has no tags"
                    : "tags in the repository include " + String.join(", ", tags.names());
          }
        }
        return new RegistryObservation(
            image,
            registry,
            reached,
            granted,
            new Manifest(
                outcome,
                status,
                errors.code(),
                errors.message(),
                null,
                null,
                false,
                List.of(),
                detail));
      }
      if (!response.success()) {
        return new RegistryObservation(
            image,
            registry,
            reached,
            granted,
            manifestError(
                status,
                errors,
                "the registry answered "
                    + status
                    + " to GET "
                    + RegistryHttpClient.display(manifestUri)));
      }
      return new RegistryObservation(
          image, registry, reached, granted, found(target, response, authorization));
    } catch (ProbeException e) {
      return new RegistryObservation(
          image,
          registry,
          reached,
          Access.notChecked("the manifest request failed"),
          new Manifest(
              e.refusedByPolicy() ? ManifestOutcome.REFUSED_BY_POLICY : ManifestOutcome.ERROR,
              0,
              null,
              null,
              null,
              null,
              false,
              List.of(),
              e.detail()));
    }
  }

  /** What {@code GET /v2/<name>/tags/list} says: the repository is missing, or some tags. */
  private record Tags(
      boolean missingRepository, @Nullable List<String> names, RegistryErrors errors) {}

  private Tags tags(String path, @Nullable String authorization, List<String> secrets) {
    HttpRequest request =
        HttpRequest.get(uri("/v2/" + path + "/tags/list?n=" + TAGS_SHOWN))
            .authorization(authorization);
    try {
      HttpResponse response = http.send(request, new Trace());
      if (response.status() == 404) {
        RegistryErrors errors = RegistryErrors.of(response, secrets);
        return new Tags("NAME_UNKNOWN".equals(errors.code()), null, errors);
      }
      if (!response.success() || response.truncated()) {
        return new Tags(false, null, RegistryErrors.NONE);
      }
      List<String> names = new ArrayList<>();
      for (JsonNode tag : JSON.readTree(response.body()).path("tags")) {
        String name = tag.asText("");
        if (TAG.matcher(name).matches() && names.size() < TAGS_SHOWN) {
          names.add(name);
        }
      }
      return new Tags(false, names, RegistryErrors.NONE);
    } catch (ProbeException | IOException e) {
      return new Tags(false, null, RegistryErrors.NONE);
    }
  }

  private Manifest found(
      ProbeTarget target, HttpResponse response, @Nullable String authorization) {
    String digest = response.header("docker-content-digest");
    String mediaType = response.header("content-type");
    if (response.truncated()) {
      return platformUnknown(
          mediaType,
          digest,
          "the manifest exists; it is larger than pulldoctor reads, so its platforms are unknown");
    }
    JsonNode manifest;
    try {
      manifest = JSON.readTree(response.body());
    } catch (IOException e) {
      return platformUnknown(mediaType, digest, "the manifest exists but is not valid JSON");
    }
    String type = manifest.path("mediaType").asText(mediaType == null ? "" : mediaType);
    if (manifest.path("manifests").isArray()) {
      List<Platform> platforms = new ArrayList<>();
      for (JsonNode entry : manifest.path("manifests")) {
        Platform platform = platform(entry.path("platform"));
        if (platform != null && !platforms.contains(platform)) {
          platforms.add(platform);
        }
      }
      return Manifest.found(
          type,
          digest,
          true,
          platforms,
          "an image index with " + platforms.size() + " platform(s)");
    }
    String config = manifest.path("config").path("digest").asText("");
    if (!config.isEmpty() && !DIGEST.matcher(config).matches()) {
      // The registry's text goes into the next request's path: only a well-formed digest may.
      return platformUnknown(
          type,
          digest,
          "a manifest whose config digest is not a valid digest: its platform is unknown");
    }
    if (config.isEmpty()) {
      return platformUnknown(
          type, digest, "a manifest without a config blob (schema 1?): its platform is unknown");
    }
    URI blobUri = uri("/v2/" + target.reference().path() + "/blobs/" + config);
    HttpRequest request = HttpRequest.get(blobUri).authorization(authorization);
    try {
      HttpResponse blob = http.send(request, new Trace());
      Platform platform =
          blob.success() && !blob.truncated() ? platform(JSON.readTree(blob.body())) : null;
      return Manifest.found(
          type,
          digest,
          false,
          platform == null ? List.of() : List.of(platform),
          platform == null
              ? "a single-platform image whose config blob could not be read ("
                  + blob.status()
                  + ")"
              : "a single-platform image");
    } catch (ProbeException e) {
      return platformUnknown(
          type,
          digest,
          "a single-platform image; its config blob could not be read: "
              + (e.refusedByPolicy() ? "refused by pulldoctor's probe policy: " : "")
              + e.detail());
    } catch (IOException e) {
      return platformUnknown(
          type, digest, "a single-platform image whose config blob is not valid JSON");
    }
  }

  /** A manifest found whose platforms pulldoctor could not learn, and why. */
  private static Manifest platformUnknown(
      @Nullable String mediaType, @Nullable String digest, String detail) {
    return Manifest.found(mediaType, digest, false, List.of(), detail);
  }

  private static @Nullable Platform platform(JsonNode node) {
    String os = node.path("os").asText("");
    String architecture = node.path("architecture").asText("");
    if (os.isEmpty() || architecture.isEmpty() || os.equals("unknown")) {
      return null; // attestation manifests of buildx carry unknown/unknown
    }
    String variant = node.path("variant").asText("");
    return new Platform(
        ProbeText.shorten(os, 40),
        ProbeText.shorten(architecture, 40),
        variant.isEmpty() ? null : ProbeText.shorten(variant, 40));
  }

  private static @Nullable String token(HttpResponse response) {
    if (response.truncated()) {
      return null;
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String token = body.path("token").asText("");
      if (token.isEmpty()) {
        token = body.path("access_token").asText("");
      }
      return token.isEmpty() || token.indexOf('\r') >= 0 || token.indexOf('\n') >= 0 ? null : token;
    } catch (IOException e) {
      return null;
    }
  }

  private static Manifest manifestError(int status, RegistryErrors errors, String detail) {
    return new Manifest(
        ManifestOutcome.ERROR,
        status,
        errors.code(),
        errors.message(),
        null,
        null,
        false,
        List.of(),
        detail);
  }

  private static Access access(
      AccessOutcome outcome,
      @Nullable Login login,
      int status,
      RegistryErrors errors,
      String detail) {
    return new Access(
        outcome,
        login == null ? null : login.secretName(),
        login == null ? null : login.registryKey(),
        login == null ? null : ProbeText.shorten(login.username(), 100),
        status,
        errors.code(),
        errors.message(),
        detail);
  }

  private Connection ok(Trace trace, @Nullable String scheme, String detail) {
    return new Connection(
        Outcome.OK,
        null,
        null,
        detail,
        trace.timings(),
        trace.certificate(),
        this.scheme,
        scheme,
        trace.address());
  }

  private Connection failed(Trace trace, Stage stage, PullErrorCause cause, String detail) {
    return new Connection(
        Outcome.FAILED,
        stage,
        cause,
        detail,
        trace.timings(),
        trace.certificate(),
        scheme,
        null,
        trace.address());
  }

  private static String basic(Login login) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private URI uri(String path) {
    return URI.create(scheme + "://" + registry.toLowerCase(Locale.ROOT) + path);
  }

  private String display() {
    return scheme + "://" + registry;
  }
}
