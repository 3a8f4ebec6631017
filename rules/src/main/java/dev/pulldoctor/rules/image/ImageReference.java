package dev.pulldoctor.rules.image;

import dev.pulldoctor.rules.image.InvalidImageReferenceException.Reason;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A container image reference normalised the way the kubelet does it, through
 * distribution/reference v0.6.0's {@code ParseNormalizedNamed}
 * (https://github.com/distribution/reference/blob/v0.6.0/normalize.go): a name without a registry
 * host goes to {@code docker.io}, a single-component Docker Hub path gets {@code library/}, {@code
 * index.docker.io} becomes {@code docker.io}.
 *
 * @param original the reference as written
 * @param domain the registry host, with its port if any, e.g. {@code docker.io}, {@code
 *     registry.example.com:5000}; empty when the first component was taken for a host but is not a
 *     valid one and so stays in the path (e.g. {@code my_registry.example.com/app})
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
  private static final String DEFAULT_TAG = "latest";

  /** distribution/reference's {@code RepositoryNameTotalLengthMax}, a limit on the path alone. */
  private static final int PATH_MAX_LENGTH = 255;

  /**
   * Longer inputs are rejected before any regular expression runs: the input may be hostile, and a
   * valid reference is far shorter (a 253-character DNS name with a port, a 255-character path, a
   * 128-character tag and a sha512 digest make 780).
   */
  private static final int INPUT_MAX_LENGTH = 1024;

  // The grammar of distribution/reference regexp.go. Possessive quantifiers keep Java's
  // backtracking engine linear where Go's RE2 is linear by construction.
  private static final String ALPHANUMERIC = "[a-z0-9]++";
  private static final String SEPARATOR = "(?:[._]|__|-++)";
  private static final String PATH_COMPONENT =
      ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*+";
  private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*+";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)";
  private static final String DOMAIN_NAME = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*+";
  private static final String IPV6 = "\\[[a-fA-F0-9:]++\\]";
  private static final String DOMAIN_AND_PORT = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")(?::[0-9]++)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

  /**
   * ReferenceRegexp with its name split as anchoredNameRegexp splits it: groups domain, path, tag,
   * digest. The optional domain is tried first, as Go's leftmost-first matching does, so a first
   * component that is no valid host (e.g. {@code my_registry.example.com}) stays in the path.
   */
  private static final Pattern REFERENCE =
      Pattern.compile(
          "^(?:("
              + DOMAIN_AND_PORT
              + ")/)?("
              + REMOTE_NAME
              + ")(?::("
              + TAG
              + "))?(?:@("
              + DIGEST
              + "))?$");

  private static final Pattern IDENTIFIER = Pattern.compile("^[a-f0-9]{64}$");

  /** go-digest's algorithm grammar: an algorithm it does not know is unsupported only if valid. */
  private static final Pattern DIGEST_ALGORITHM =
      Pattern.compile("^[a-z0-9]++(?:[.+_-][a-z0-9]++)*+$");

  public ImageReference {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
  }

  /**
   * Parses and normalises a reference as {@code ParseNormalizedNamed} does.
   *
   * @throws InvalidImageReferenceException with distribution/reference's wording when the kubelet
   *     would reject the reference ({@code InvalidImageName})
   */
  public static ImageReference parse(String reference) throws InvalidImageReferenceException {
    if (reference.length() > INPUT_MAX_LENGTH) {
      throw new InvalidImageReferenceException(Reason.NAME_TOO_LONG);
    }
    if (IDENTIFIER.matcher(reference).matches()) {
      throw new InvalidImageReferenceException(Reason.IDENTIFIER);
    }
    // splitDockerDomain: the first component is a host if it has a '.' or a ':', is localhost, or
    // has an uppercase letter (namespaces cannot). Whether it is a valid host is left to the
    // grammar below.
    String domain = DOCKER_HUB;
    String remainder = reference;
    int slash = reference.indexOf('/');
    if (slash >= 0) {
      String first = reference.substring(0, slash);
      if (first.equals(LEGACY_DOCKER_HUB)) {
        remainder = reference.substring(slash + 1);
      } else if (looksLikeHost(first)) {
        domain = first;
        remainder = reference.substring(slash + 1);
      }
    }
    if (domain.equals(DOCKER_HUB) && remainder.indexOf('/') < 0) {
      remainder = OFFICIAL_PREFIX + remainder;
    }
    int tagSeparator = remainder.indexOf(':');
    String remoteName = tagSeparator < 0 ? remainder : remainder.substring(0, tagSeparator);
    if (!lowerCase(remoteName).equals(remoteName)) {
      throw new InvalidImageReferenceException(
          Reason.NAME_CONTAINS_UPPERCASE,
          "invalid reference format: " + Reason.NAME_CONTAINS_UPPERCASE.message());
    }
    return matchReference(reference, domain + "/" + remainder);
  }

  /**
   * distribution/reference's {@code Parse}: the reference as written, without a default domain or
   * {@code library/}; {@link #parse} hands it the normalised text.
   */
  static ImageReference parseWithoutNormalising(String reference)
      throws InvalidImageReferenceException {
    if (reference.length() > INPUT_MAX_LENGTH) {
      throw new InvalidImageReferenceException(Reason.NAME_TOO_LONG);
    }
    return matchReference(reference, reference);
  }

  private static ImageReference matchReference(String original, String text)
      throws InvalidImageReferenceException {
    Matcher matcher = REFERENCE.matcher(text);
    if (!matcher.matches()) {
      if (text.isEmpty()) {
        throw new InvalidImageReferenceException(Reason.NAME_EMPTY);
      }
      if (REFERENCE.matcher(lowerCase(text)).matches()) {
        throw new InvalidImageReferenceException(Reason.NAME_CONTAINS_UPPERCASE);
      }
      throw new InvalidImageReferenceException(Reason.INVALID_FORMAT);
    }
    String domain = Objects.requireNonNullElse(matcher.group(1), "");
    String path = matcher.group(2);
    if (path.length() > PATH_MAX_LENGTH) {
      throw new InvalidImageReferenceException(Reason.NAME_TOO_LONG);
    }
    String digest = matcher.group(4);
    if (digest != null) {
      checkDigest(digest);
    }
    return new ImageReference(original, domain, path, matcher.group(3), digest);
  }

  /** Parses, or returns empty when the kubelet would reject the reference. */
  public static Optional<ImageReference> tryParse(String reference) {
    try {
      return Optional.of(parse(reference));
    } catch (InvalidImageReferenceException e) {
      return Optional.empty();
    }
  }

  /**
   * The normalised repository name without tag or digest ({@code TrimNamed}): what the kubelet's
   * keyring matches.
   */
  public String name() {
    return domain.isEmpty() ? path : domain + "/" + path;
  }

  /**
   * The short name Docker prints ({@code FamiliarName}): {@code nginx} for {@code
   * docker.io/library/nginx}. Only a one-component path under {@code library/} loses the prefix,
   * {@code docker.io/library/foo/bar} stays {@code library/foo/bar}.
   */
  public String familiarName() {
    if (!isDockerHub()) {
      return name();
    }
    boolean official =
        path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0;
    return official ? path.substring(OFFICIAL_PREFIX.length()) : path;
  }

  /** The short form Docker prints with tag and digest ({@code FamiliarString}). */
  public String familiar() {
    return familiarName() + suffix();
  }

  /**
   * What {@code ParseDockerRef} makes of this reference, the form containerd's CRI plugin pulls: a
   * tag next to a digest is dropped (the digest decides), and {@code latest} is added when there is
   * neither.
   */
  public ImageReference dockerReference() {
    if (digest != null) {
      return tag == null ? this : new ImageReference(original, domain, path, null, digest);
    }
    return tag != null ? this : new ImageReference(original, domain, path, DEFAULT_TAG, null);
  }

  public boolean isDockerHub() {
    return domain.equals(DOCKER_HUB);
  }

  /**
   * The host that serves the Registry API. Docker Hub's is not {@code docker.io}. A name without a
   * domain (its first component is no valid host, e.g. {@code my_registry.example.com/app}) still
   * names a host for the container runtime, which takes everything before the first '/'.
   */
  public String apiHost() {
    if (isDockerHub()) {
      return "registry-1.docker.io";
    }
    if (domain.isEmpty()) {
      int slash = path.indexOf('/');
      return slash < 0 ? path : path.substring(0, slash);
    }
    return domain;
  }

  /**
   * The policy the API server gives a container with this image when none is set: {@code Always}
   * for tag {@code latest} or no tag and no digest, else {@code IfNotPresent}
   * (https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting).
   */
  public PullPolicy defaultPullPolicy() {
    boolean latest = DEFAULT_TAG.equals(tag) || (tag == null && digest == null);
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
        || !lowerCase(first).equals(first);
  }

  /**
   * Go's {@code strings.ToLower}: one code point at a time, so that e.g. U+0130 becomes 'i' as
   * there, not "i" and a combining dot as {@link String#toLowerCase} makes it.
   */
  private static String lowerCase(String text) {
    StringBuilder lower = new StringBuilder(text.length());
    text.codePoints().map(Character::toLowerCase).forEach(lower::appendCodePoint);
    return lower.toString();
  }

  /** go-digest v1.0.0's {@code Parse}, for a digest the reference grammar already matched. */
  private static void checkDigest(String digest) throws InvalidImageReferenceException {
    int colon = digest.indexOf(':');
    String algorithm = digest.substring(0, colon);
    String encoded = digest.substring(colon + 1);
    int expectedLength =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha384" -> 96;
          case "sha512" -> 128;
          default -> -1;
        };
    if (expectedLength < 0) {
      // go-digest's own grammar allows no uppercase algorithm, the reference grammar does.
      throw new InvalidImageReferenceException(
          DIGEST_ALGORITHM.matcher(algorithm).matches()
              ? Reason.DIGEST_UNSUPPORTED
              : Reason.DIGEST_INVALID_FORMAT);
    }
    if (encoded.length() != expectedLength) {
      throw new InvalidImageReferenceException(Reason.DIGEST_INVALID_LENGTH);
    }
    if (!lowerCase(encoded).equals(encoded)) {
      throw new InvalidImageReferenceException(Reason.DIGEST_INVALID_FORMAT);
    }
  }
}
