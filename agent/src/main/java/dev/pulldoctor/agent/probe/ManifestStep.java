package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The manifest lookup of a probe, as a container runtime pulls: {@code HEAD} and {@code GET} of
 * {@code /v2/<name>/manifests/<tag-or-digest>} with the OCI and Docker media types. Its answer
 * tells whether the credentials give pull access and whether the image exists; a missing manifest
 * is looked into with the tag list ({@link TagListStep}), a found one with its platforms ({@link
 * PlatformStep}).
 */
final class ManifestStep {
  static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private final RegistryHttpClient http;
  private final RegistryEndpoint registry;
  private final TagListStep tags;
  private final PlatformStep platforms;

  ManifestStep(RegistryHttpClient http, RegistryEndpoint registry) {
    this.http = http;
    this.registry = registry;
    this.tags = new TagListStep(http, registry);
    this.platforms = new PlatformStep(http, registry);
  }

  /**
   * Looks the target's manifest up.
   *
   * @param challenge the registry's challenge to {@code GET /v2/}; with none or Basic, a 401 means
   *     the registry rejected the credentials themselves
   * @param authorization what {@link TokenStep} said to send
   */
  ProbeStepResult.Finished lookUp(
      ProbeTarget target,
      @Nullable Challenge challenge,
      @Nullable Login login,
      @Nullable String authorization,
      List<String> secrets) {
    ProbeFindings findings = new ProbeFindings(login);
    String image = target.image().effective();
    String path = target.reference().path();
    URI manifestUri = registry.uri("/v2/" + path + "/manifests/" + target.manifestReference());
    HttpRequest request =
        HttpRequest.get(manifestUri).header("Accept", ACCEPT).authorization(authorization);
    try {
      HttpResponse head = http.send(request.method("HEAD"), new Trace());
      HttpResponse response = http.send(request, new Trace());
      RegistryErrors errors = RegistryErrors.of(response, secrets);
      int status = response.status();
      if (status == 401 || status == 403) {
        boolean registryChecksCredentials = challenge == null || challenge.basic();
        return new ProbeStepResult.Finished(
            findings.denied(path, status, registryChecksCredentials, errors),
            ProbeFindings.unknownWhenDenied(image, status, errors));
      }
      if (status == 429) {
        return new ProbeStepResult.Finished(
            findings.rateLimited(errors),
            ProbeFindings.manifestError(
                status, errors, "the registry answered 429 Too Many Requests"));
      }
      Access granted = findings.granted(path, status);
      if (status == 404) {
        return missing(path, head.status(), status, errors, granted, authorization, secrets);
      }
      if (!response.success()) {
        return new ProbeStepResult.Finished(
            granted,
            ProbeFindings.manifestError(
                status,
                errors,
                "the registry answered " + status + " to GET " + UriText.display(manifestUri)));
      }
      return new ProbeStepResult.Finished(granted, platforms.found(path, response, authorization));
    } catch (ProbeException e) {
      return new ProbeStepResult.Finished(
          Access.notChecked("the manifest request failed"), ProbeFindings.requestFailed(e));
    }
  }

  /** The manifest was not found: a missing tag or a missing repository, told apart as can be. */
  private ProbeStepResult.Finished missing(
      String path,
      int headStatus,
      int status,
      RegistryErrors errors,
      Access granted,
      @Nullable String authorization,
      List<String> secrets) {
    ManifestOutcome outcome = missingOutcome(errors.code());
    RegistryErrors reported = errors;
    String detail = "HEAD and GET of the manifest answered " + headStatus + " and " + status;
    if (outcome != ManifestOutcome.MISSING_REPOSITORY) {
      TagListStep.TagList tagList = tags.list(path, authorization, secrets);
      List<String> names = tagList.names();
      if (tagList.missingRepository()) {
        outcome = ManifestOutcome.MISSING_REPOSITORY;
        reported = tagList.errors();
        detail = "the tag list of the repository answered 404 " + reported.code();
      } else if (names != null) {
        outcome = ManifestOutcome.MISSING_TAG;
        detail =
            names.isEmpty()
                ? "the repository has no tags"
                : "tags in the repository include " + String.join(", ", names);
      }
    }
    return new ProbeStepResult.Finished(
        granted, ProbeFindings.missing(outcome, status, reported, detail));
  }

  /** What a 404's error code says: {@code MANIFEST_UNKNOWN} or {@code NAME_UNKNOWN}, or neither. */
  static ManifestOutcome missingOutcome(@Nullable String errorCode) {
    if ("MANIFEST_UNKNOWN".equals(errorCode)) {
      return ManifestOutcome.MISSING_TAG;
    }
    return "NAME_UNKNOWN".equals(errorCode)
        ? ManifestOutcome.MISSING_REPOSITORY
        : ManifestOutcome.NOT_FOUND;
  }
}
