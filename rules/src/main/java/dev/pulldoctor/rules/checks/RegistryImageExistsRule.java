package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import java.util.List;

/** Live: the image's tag or digest exists in the registry. */
public final class RegistryImageExistsRule implements ReachedRegistryRule {
  static final RuleInfo INFO =
      new RuleInfo(
          "registry.image-exists",
          "The image's tag or digest exists in the registry",
          Severity.CRITICAL,
          """
          The kubelet asks the registry for the manifest of the tag or digest (HEAD or GET \
          /v2/<name>/manifests/<reference>, accepting OCI and Docker manifests and indexes). A 404 \
          with MANIFEST_UNKNOWN means the repository exists but the tag or digest does not (a tag \
          never pushed, a typo, a version registered in Airbyte that was not published); \
          NAME_UNKNOWN means the repository itself does not exist. The kubelet reports both as \
          "not found" or "manifest unknown". Some registries answer 401/403 instead of 404 when \
          they do not want to reveal whether a repository exists (ACR says "authentication \
          required" for a missing tag), so a denied lookup is reported as unknown here and \
          explained by pullsecret.credentials.\
          """,
          """
          Push the image under the exact name and tag Airbyte uses, or change the connector's \
          image tag in Airbyte to one that exists.\
          """,
          List.of(
              "https://github.com/MicrosoftDocs/azure-docs/issues/35411 (ACR: 'authentication"
                  + " required' for a missing tag)",
              "docs/registry-probes.md (the manifest request and how its answer is read)",
              "opencontainers/distribution-spec spec.md (error codes)"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public Result evaluate(Diagnosis diagnosis, TargetImage image, RegistryObservation seen) {
    Manifest manifest = seen.manifest();
    ImageReference ref = image.reference().orElseThrow();
    String reference =
        ref.digest() != null ? ref.digest() : (ref.tag() != null ? ref.tag() : "latest");
    String repository = seen.registry() + "/" + ref.path();
    String said =
        manifest.errorCode() == null
            ? ""
            : " ("
                + manifest.errorCode()
                + (manifest.errorMessage() == null ? "" : ": " + manifest.errorMessage())
                + ")";
    Result result =
        switch (manifest.outcome()) {
          case FOUND ->
              Result.forImage(
                  INFO,
                  Status.PASS,
                  image.effective(),
                  image.effective()
                      + " exists"
                      + (manifest.digest() == null ? "" : " (" + manifest.digest() + ")")
                      + ": "
                      + manifest.detail());
          case MISSING_TAG ->
              Result.forImage(
                      INFO,
                      Status.FAIL,
                      image.effective(),
                      "the repository "
                          + repository
                          + " exists but has no "
                          + (ref.digest() != null ? "manifest " : "tag ")
                          + reference
                          + said
                          + ", so the pull fails with 'not found' ("
                          + manifest.detail()
                          + ")")
                  .withFix(push(ref, ""))
                  .withCause(PullErrorCause.NOT_FOUND);
          case MISSING_REPOSITORY, NOT_FOUND ->
              Result.forImage(
                      INFO,
                      Status.FAIL,
                      image.effective(),
                      manifest.outcome() == RegistryObservation.ManifestOutcome.MISSING_REPOSITORY
                          ? "the repository "
                              + repository
                              + " does not exist"
                              + said
                              + ", so the pull fails with 'not found'"
                          : repository
                              + ":"
                              + reference
                              + " was not found (404)"
                              + ", so the pull fails with 'not found'")
                  .withFix(
                      push(
                          ref,
                          "Check the repository name (registry host, path, letter case of the"
                              + " original). "))
                  .withCause(PullErrorCause.NOT_FOUND);
          case DENIED ->
              Result.forImage(
                  INFO,
                  Status.SKIP,
                  image.effective(),
                  "unknown: the registry denied the manifest lookup ("
                      + manifest.httpStatus()
                      + ") without saying whether "
                      + image.effective()
                      + " exists (see pullsecret.credentials)");
          case REFUSED_BY_POLICY ->
              Result.forImage(
                      INFO,
                      Status.WARN,
                      image.effective(),
                      "pulldoctor stopped the manifest lookup of "
                          + image.effective()
                          + ": "
                          + manifest.detail())
                  .withRemediation(
                      "A registry that redirects to link-local, metadata or loopback addresses is"
                          + " misconfigured or hostile: check "
                          + seen.registry()
                          + ".");
          case ERROR ->
              Result.forImage(
                  INFO,
                  Status.ERROR,
                  image.effective(),
                  "the manifest lookup failed: " + manifest.detail() + said);
          case NOT_CHECKED ->
              Result.forImage(INFO, Status.SKIP, image.effective(), manifest.detail());
        };
    result = RegistryProbes.withAnswer(result, seen, manifest.httpStatus(), manifest.errorCode());
    if (manifest.mediaType() != null) {
      result = result.withEvidence("mediaType", manifest.mediaType());
    }
    return result;
  }

  /** Pushing the missing tag, after {@code check} when there is something to check first. */
  private static Fix push(ImageReference ref, String check) {
    String target = ref.digest() == null ? ref.familiar() : ref.name() + ":<tag>";
    return Fixes.run(
            check + "Push it:",
            "docker tag '<local-image>' "
                + Fixes.shellWord(target)
                + " && docker push "
                + Fixes.shellWord(target))
        .or(
            Fix.of(
                "in Airbyte, change the connector's image tag to one that exists in "
                    + ref.name()
                    + "."));
  }
}
