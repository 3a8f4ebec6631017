package dev.pulldoctor.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.pullsecret.Login;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The token exchange of a probe, as the registry's challenge to {@code GET /v2/} asks: nothing to
 * do without a challenge, Basic credentials on every request, or a Bearer token for {@code
 * repository:<name>:pull} from the challenge's realm (distribution token spec). The realm gets the
 * credentials only when the probe policy trusts it ({@link ProbePolicy#credentialRefusal}), and its
 * answer is never followed to another address.
 */
final class TokenStep {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryHttpClient http;
  private final RegistryEndpoint registry;

  TokenStep(RegistryHttpClient http, RegistryEndpoint registry) {
    this.http = http;
    this.registry = registry;
  }

  /**
   * The credentials to ask for {@code path} with, or why nothing can be asked.
   *
   * @param challenge the registry's challenge to {@code GET /v2/}; null: it asked for none
   * @param secrets collects what is sent: a token fetched here is added
   */
  ProbeStepResult authorize(
      @Nullable Challenge challenge, String path, @Nullable Login login, List<String> secrets) {
    ProbeFindings findings = new ProbeFindings(login);
    if (challenge == null) {
      return new ProbeStepResult.Proceed(null);
    }
    if (challenge.basic()) {
      return new ProbeStepResult.Proceed(login == null ? null : AuthorizationHeader.basic(login));
    }
    if (!challenge.bearer()) {
      return stop(findings.unsupportedScheme(challenge.scheme()));
    }
    URI realm = realm(challenge);
    if (realm == null) {
      return stop(findings.noTokenRealm());
    }
    String realmHost = UriText.bare(realm.getHost());
    String withheld =
        login == null ? null : http.policy().credentialRefusal(registry.uri("/"), realm);
    if (withheld != null) {
      return stop(findings.withheld(realmHost, withheld));
    }
    URI tokenUri = tokenUri(realm, challenge.parameter("service"), path);
    if (tokenUri == null) {
      return stop(findings.invalidTokenRealm());
    }
    HttpRequest request = HttpRequest.get(tokenUri).noRedirects();
    if (login != null) {
      request = request.authorization(AuthorizationHeader.basic(login));
    }
    try {
      HttpResponse response = http.send(request, new Trace());
      RegistryErrors errors = RegistryErrors.of(response, secrets);
      int status = response.status();
      if (status == 401 || status == 403) {
        return stop(findings.tokenRefused(realmHost, path, status, errors));
      }
      if (status == 429) {
        return stop(findings.tokenRateLimited(realmHost, errors));
      }
      String token = response.success() ? token(response) : null;
      if (token == null) {
        return stop(findings.noToken(realmHost, status, response.success(), errors));
      }
      secrets.add(token);
      return new ProbeStepResult.Proceed(AuthorizationHeader.bearer(token));
    } catch (ProbeException e) {
      return stop(findings.tokenServiceUnreachable(realmHost, e.detail()));
    }
  }

  /** The probe ends at the token exchange: the manifest is not asked for. */
  private static ProbeStepResult.Finished stop(Access failure) {
    return new ProbeStepResult.Finished(
        failure, Manifest.notChecked("no token to ask with: " + failure.detail()));
  }

  /** The challenge's {@code realm} when it is a URL with a host, else null. */
  private static @Nullable URI realm(Challenge challenge) {
    String realm = challenge.parameter("realm");
    if (realm == null) {
      return null;
    }
    try {
      URI uri = new URI(realm);
      return uri.getHost() == null ? null : uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * The realm with {@code service} and {@code scope=repository:<path>:pull} added to its query, or
   * null when that is no valid URL.
   */
  static @Nullable URI tokenUri(URI realm, @Nullable String service, String path) {
    StringBuilder query = new StringBuilder();
    if (service != null) {
      query.append("service=").append(encode(service)).append('&');
    }
    query.append("scope=").append(encode("repository:" + path + ":pull"));
    try {
      return new URI(
          realm.getScheme()
              + "://"
              + realm.getRawAuthority()
              + (realm.getRawPath() == null ? "" : realm.getRawPath())
              + "?"
              + (realm.getRawQuery() == null ? "" : realm.getRawQuery() + "&")
              + query);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * The token of a token service's answer ({@code token}, or the OAuth2 {@code access_token}), or
   * null when there is none that could go into a header.
   */
  static @Nullable String token(HttpResponse response) {
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

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
