package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.JobEnv;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.image.RegistryHosts;
import dev.pulldoctor.rules.image.RegistryKind;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Each connector image is a valid reference, and the launcher's registry rewrite is understood. */
public final class ImageReferenceRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "image.reference",
          "Connector images are valid references and the registry rewrite is expected",
          Severity.CRITICAL,
          """
          The kubelet parses image names like Docker's distribution/reference: a name without a \
          registry host goes to docker.io (nginx becomes docker.io/library/nginx, myorg/app \
          becomes docker.io/myorg/app), the first path element only counts as a host when it \
          contains '.' or ':' or is 'localhost', repository paths must be lower case, and a URL \
          scheme is never part of a reference. An invalid name gives InvalidImageName and no pull \
          at all. From Airbyte 1.4, JOB_KUBE_CONNECTOR_IMAGE_REGISTRY (set from \
          global.image.registry) is prefixed to every connector image whose first element is not \
          a host: a custom connector registered as myorg/source-foo is pulled as \
          <registry>/myorg/source-foo, so it must exist there. Airbyte pulls connector images \
          with policy IfNotPresent, so a moving tag such as latest is not re-pulled on nodes that \
          already have some version of it.\
          """,
          """
          Register connector images with their full registry host (e.g. \
          registry.example.com/team/source-foo:1.2.0), in lower case, without a scheme, with a \
          fixed tag; set JOB_KUBE_CONNECTOR_IMAGE_REGISTRY to host[:port][/path] only.\
          """,
          List.of(
              "https://github.com/distribution/reference/blob/v0.6.0/normalize.go (docker.io,"
                  + " library/, what counts as a host)",
              "docs/conformance.md (the distribution/reference v0.6.0 cases)",
              "https://docs.airbyte.com/platform/deploying-airbyte/integrations/custom-image-registries"
                  + " (fully qualified images keep their registry)",
              "airbytehq/airbyte-platform airbyte-workload-launcher"
                  + " pods/PayloadKubeInputMapper.kt"));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    List<Result> results = new ArrayList<>();
    AirbyteInstall install = diagnosis.install();
    Optional<String> registry = install.connectorImageRegistry();
    if (registry.isPresent() && registry.get().contains("://")) {
      ObjectRef launcher = install.jobLauncher().map(Workload::ref).orElse(null);
      String value = registry.get();
      String fixed = value.substring(value.indexOf("://") + 3).replaceAll("/+$", "");
      results.add(
          Result.of(
                  INFO,
                  Status.FAIL,
                  launcher,
                  null,
                  JobEnv.CONNECTOR_IMAGE_REGISTRY
                      + " is '"
                      + value
                      + "': a scheme is not part of an image reference, so every connector image"
                      + " without its own registry host becomes invalid (InvalidImageName).")
              .withRemediation(
                  "Set global.image.registry (which the chart copies into "
                      + JobEnv.CONNECTOR_IMAGE_REGISTRY
                      + ") to '"
                      + fixed
                      + "'"));
    }
    if (diagnosis.images().isEmpty()) {
      results.add(
          Result.of(
              INFO,
              Status.SKIP,
              "no connector image to check: pass --image IMAGE, or run while a connector job pod"
                  + " (label airbyte=job-pod) or its events exist"));
      return results;
    }
    for (TargetImage image : diagnosis.images()) {
      results.add(check(install, image));
    }
    return results;
  }

  private static Result check(AirbyteInstall install, TargetImage image) {
    String invalid = image.invalidReason();
    if (invalid != null) {
      return Result.forImage(
              INFO,
              Status.FAIL,
              image.effective(),
              quoted(image)
                  + " is not a valid image reference ("
                  + invalid
                  + "): the kubelet reports InvalidImageName and never pulls."
                  + rewriteNote(install, image))
          .withRemediation(invalidFix(image.effective()))
          .withEvidence("requested", image.requested());
    }
    ImageReference ref = image.reference().orElseThrow();
    if (image.rewritten()) {
      return onReference(
              Status.WARN,
              image,
              ref,
              "registered as '"
                  + image.requested()
                  + "' but pulled as '"
                  + image.effective()
                  + "'"
                  + rewriteNote(install, image)
                  + " The image must exist at that path; if it lives elsewhere, register it with"
                  + " its full registry host.")
          .withRemediation(
              "Register the connector as '"
                  + ImageReference.tryParse(image.requested())
                      .map(ImageReference::toString)
                      .orElse(image.requested())
                  + "' (a name with a registry host is not rewritten), or push it to '"
                  + image.effective()
                  + "'")
          .withEvidence("requested", image.requested());
    }
    if (ref.domain().isEmpty()) {
      String first = ref.path().substring(0, ref.path().indexOf('/'));
      return onReference(
              Status.FAIL,
              image,
              ref,
              quoted(image)
                  + " starts with '"
                  + first
                  + "', which distribution/reference takes for a registry host (it has a '.' or"
                  + " ':') but which is not a valid host name (only letters, digits, '-' and '.'"
                  + " are allowed), so the reference has no registry at all: the kubelet accepts"
                  + " it, and the pull goes to a host that cannot be resolved.")
          .withRemediation(
              "Register the image under the registry's real host name (DNS names have no '_').");
    }
    RegistryKind kind = RegistryHosts.kind(ref.domain());
    if (kind == RegistryKind.GCR) {
      return onReference(
              Status.WARN,
              image,
              ref,
              ref.domain()
                  + " is Google Container Registry, which has been shut down (pulls answer HTTP"
                  + " 412 \"Container Registry is deprecated and shutting down\").")
          .withRemediation(
              "Move the image to Artifact Registry (<location>-docker.pkg.dev/<project>/<repo>/…)"
                  + " and register the new name in Airbyte.");
    }
    String tag = ref.tag();
    if ((tag == null && ref.digest() == null) || "latest".equals(tag)) {
      return onReference(
              Status.WARN,
              image,
              ref,
              quoted(image)
                  + " uses the moving tag 'latest'; Airbyte pulls connector images with"
                  + " IfNotPresent, so nodes keep whatever 'latest' they pulled first and a push"
                  + " does not reach them.")
          .withRemediation("Tag each build with a version (e.g. 1.2.0) and register that tag.");
    }
    Optional<String> hostLike = hostLikeNamespace(ref);
    if (hostLike.isPresent()) {
      return onReference(
              Status.WARN,
              image,
              ref,
              quoted(image)
                  + " is read as Docker Hub account '"
                  + hostLike.get()
                  + "' ("
                  + ref.name()
                  + "); a registry host needs a '.' or ':port' to count as one.")
          .withRemediation(
              "If '"
                  + hostLike.get()
                  + "' is your registry, register the image with its full host name, e.g. '"
                  + hostLike.get()
                  + ".example.com/"
                  + ref.path().substring(ref.path().indexOf('/') + 1)
                  + "'");
    }
    return onReference(
        Status.PASS, image, ref, quoted(image) + " is a valid reference to " + ref.toString());
  }

  /** The image as the user reads it in a message: its effective name in single quotes. */
  private static String quoted(TargetImage image) {
    return "'" + image.effective() + "'";
  }

  /** A finding about {@code image}, whose reference parses: its normalised form is evidence. */
  private static Result onReference(
      Status status, TargetImage image, ImageReference ref, String message) {
    return Result.forImage(INFO, status, image.effective(), message)
        .withEvidence("normalised", ref.toString());
  }

  /** A Docker Hub namespace that looks like a forgotten registry host ({@code myregistry/app}). */
  private static Optional<String> hostLikeNamespace(ImageReference ref) {
    if (!ref.isDockerHub() || ref.original().startsWith("docker.io/")) {
      return Optional.empty();
    }
    String first = ref.path().substring(0, Math.max(0, ref.path().indexOf('/')));
    String lower = first.toLowerCase(Locale.ROOT);
    boolean looksLikeHost =
        lower.contains("registry")
            || lower.contains("harbor")
            || lower.contains("nexus")
            || lower.contains("artifactory")
            || lower.equals("localhost");
    return looksLikeHost ? Optional.of(first) : Optional.empty();
  }

  private static String rewriteNote(AirbyteInstall install, TargetImage image) {
    if (!image.rewritten()) {
      return "";
    }
    return " because "
        + JobEnv.CONNECTOR_IMAGE_REGISTRY
        + " is '"
        + install.connectorImageRegistry().orElse("")
        + "' and the registered name '"
        + image.requested()
        + "' has no registry host, so the launcher prefixes it.";
  }

  private static String invalidFix(String image) {
    if (image.contains("://")) {
      return "Remove the scheme: register '" + image.substring(image.indexOf("://") + 3) + "'";
    }
    if (!image.equals(image.toLowerCase(Locale.ROOT))) {
      return "Use lower case in the repository path: '" + image.toLowerCase(Locale.ROOT) + "'";
    }
    return "Register the image as host/path:tag, e.g. registry.example.com/team/source-foo:1.2.0";
  }
}
