package dev.pulldoctor.rules.image;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A container image reference normalised the way the kubelet does it, through
 * distribution/reference's {@code ParseNormalizedNamed} (k8s-pull-facts.md §2): a name without a
 * registry host goes to {@code docker.io}, a single-component Docker Hub path gets {@code
 * library/}, {@code index.docker.io} becomes {@code docker.io}.
 *
 * @param original the reference as written
 * @param domain the registry host, with its port if any, e.g. {@code docker.io}, {@code
 *     registry.example.com:5000}
 * @param path the repository path on that host, e.g. {@code library/nginx}
 * @param tag the tag, null when there is none (the kubelet then pulls {@code latest} unless a
 *     digest is given)
 * @param digest the digest, null when there is none
 */
public record ImageReference(
    String original, String domain, String path, @Nullable String tag, @Nullable String digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String LEGACY_DOCKER_HUB = "index.docker.io";
  private static final String OFFICIAL_PREFIX = "library/";
  private static final int NAME_MAX_LENGTH = 255;

  /**
   * Longer inputs are rejected before any regular expression runs: a valid reference is far
   * shorter, and the input may be hostile.
   */
  private static final int INPUT_MAX_LENGTH = 1024;

  // The grammar of distribution/reference regexp.go. Possessive quantifiers keep Java's
  // backtracking engine linear where Go's RE2 is linear by construction.
  private static final String ALPHANUMERIC = "[a-z0-9]++";
  private static final String SEPARATOR = "(?:[._]|__|-++)";
  private static final String PATH_COMPONENT =
      ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*+";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*+";
  private static final String IPV6 = "\\[[a-fA-F0-9:]++\\]";
  private static final String DOMAIN_AND_PORT = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]++)?";
  private static final String NAME =
      "(?:" + DOMAIN_AND_PORT + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*+";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE =
      Pattern.compile("^(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?$");
  private static final Pattern IDENTIFIER = Pattern.compile("^[a-f0-9]{64}$");

  public ImageReference {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
  }

  /**
   * Parses and normalises a reference.
   *
   * @throws InvalidImageReferenceException with distribution/reference's wording when the kubelet
   *     would reject the reference ({@code InvalidImageName})
   */
  public static ImageReference parse(String reference) throws InvalidImageReferenceException {
    if (reference.isEmpty()) {
      throw new InvalidImageReferenceException("repository name must have at least one component");
    }
    if (reference.length() > INPUT_MAX_LENGTH) {
      throw new InvalidImageReferenceException(
          "repository name must not be more than " + NAME_MAX_LENGTH + " characters");
    }
    if (IDENTIFIER.matcher(reference).matches()) {
      throw new InvalidImageReferenceException(
          "invalid repository name, cannot specify 64-byte hexadecimal strings");
    }
    int slash = reference.indexOf('/');
    String domain;
    String remainder;
    if (slash < 0 || !looksLikeHost(reference.substring(0, slash))) {
      domain = DOCKER_HUB;
      remainder = reference;
    } else {
      domain = reference.substring(0, slash);
      remainder = reference.substring(slash + 1);
    }
    if (domain.equals(LEGACY_DOCKER_HUB)) {
      domain = DOCKER_HUB;
    }
    if (domain.equals(DOCKER_HUB) && remainder.indexOf('/') < 0) {
      remainder = OFFICIAL_PREFIX + remainder;
    }
    int tagSeparator = remainder.indexOf(':');
    String remoteName = tagSeparator < 0 ? remainder : remainder.substring(0, tagSeparator);
    if (!remoteName.toLowerCase(Locale.ROOT).equals(remoteName)) {
      throw new InvalidImageReferenceException(
          "invalid reference format: repository name must be lowercase");
    }
    Matcher matcher = REFERENCE.matcher(domain + "/" + remainder);
    if (!matcher.matches()) {
      throw new InvalidImageReferenceException("invalid reference format");
    }
    String name = matcher.group(1);
    if (name.length() > NAME_MAX_LENGTH) {
      throw new InvalidImageReferenceException(
          "repository name must not be more than " + NAME_MAX_LENGTH + " characters");
    }
    String digest = matcher.group(3);
    if (digest != null) {
      checkDigest(digest);
    }
    return new ImageReference(
        reference, domain, name.substring(domain.length() + 1), matcher.group(2), digest);
  }

  /** Parses, or returns empty when the kubelet would reject the reference. */
  public static Optional<ImageReference> tryParse(String reference) {
    try {
      return Optional.of(parse(reference));
    } catch (InvalidImageReferenceException e) {
      return Optional.empty();
    }
  }

  /** The normalised repository name without tag or digest: what the kubelet's keyring matches. */
  public String name() {
    return domain + "/" + path;
  }

  /** The short form Docker prints: {@code nginx} for {@code docker.io/library/nginx}. */
  public String familiar() {
    if (!isDockerHub()) {
      return toString();
    }
    String shortPath = path.startsWith(OFFICIAL_PREFIX) ? path.substring(8) : path;
    return shortPath + suffix();
  }

  public boolean isDockerHub() {
    return domain.equals(DOCKER_HUB);
  }

  /** The host that serves the Registry API: Docker Hub's is not {@code docker.io}. */
  public String apiHost() {
    return isDockerHub() ? "registry-1.docker.io" : domain;
  }

  /**
   * The policy the API server gives a container with this image when none is set: {@code Always}
   * for tag {@code latest} or no tag and no digest, else {@code IfNotPresent} (k8s-pull-facts.md
   * §2.3).
   */
  public PullPolicy defaultPullPolicy() {
    boolean latest = "latest".equals(tag) || (tag == null && digest == null);
    return latest ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
  }

  /** The fully qualified reference, e.g. {@code docker.io/library/nginx:1.25}. */
  @Override
  public String toString() {
    return name() + suffix();
  }

  private String suffix() {
    return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /** distribution/reference's splitDockerDomain test for the first path element. */
  private static boolean looksLikeHost(String first) {
    return first.indexOf('.') >= 0
        || first.indexOf(':') >= 0
        || first.equals("localhost")
        || !first.toLowerCase(Locale.ROOT).equals(first);
  }

  private static void checkDigest(String digest) throws InvalidImageReferenceException {
    int colon = digest.indexOf(':');
    String algorithm = digest.substring(0, colon);
    int hexLength = digest.length() - colon - 1;
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha384" -> 96;
          case "sha512" -> 128;
          default -> -1;
        };
    if (expected < 0) {
      throw new InvalidImageReferenceException("unsupported digest algorithm");
    }
    if (hexLength != expected) {
      throw new InvalidImageReferenceException("invalid checksum digest length");
    }
    if (!digest.substring(colon + 1).equals(digest.substring(colon + 1).toLowerCase(Locale.ROOT))) {
      throw new InvalidImageReferenceException("invalid checksum digest format");
    }
  }
}
