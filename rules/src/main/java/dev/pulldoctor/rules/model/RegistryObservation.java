package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.classify.PullErrorCause;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a live registry probe saw for one image under diagnosis: whether the registry answered (DNS,
 * TCP, TLS, {@code GET /v2/}), whether it let the kubelet's credentials pull, and what the manifest
 * holds. Made by the agent, read by the registry rules; it never holds a secret value. Texts in it
 * are pulldoctor's own, except {@code errorCode}/{@code errorMessage}, which are the registry's,
 * sanitised, shortened and scrubbed of the credentials sent.
 *
 * @param image the effective image, as {@code TargetImage.effective()} names it
 * @param registry the host (and port) the probe contacted, e.g. {@code registry-1.docker.io}
 * @param connection how far the connection got
 * @param access what the registry made of the credentials
 * @param manifest what the manifest lookup found
 * @param activePull what a test pod's pull on a node showed ({@code --active-pull}); null when none
 *     was made
 */
public record RegistryObservation(
    String image,
    String registry,
    Connection connection,
    Access access,
    Manifest manifest,
    @Nullable ActivePull activePull) {

  public RegistryObservation {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(manifest, "manifest");
  }

  /** An observation without an active pull test. */
  public RegistryObservation(
      String image, String registry, Connection connection, Access access, Manifest manifest) {
    this(image, registry, connection, access, manifest, null);
  }

  /** This observation with the result of an active pull test. */
  public RegistryObservation withActivePull(ActivePull result) {
    return new RegistryObservation(image, registry, connection, access, manifest, result);
  }

  /** How an active pull test ended. */
  public enum PullOutcome {
    /** The kubelet pulled the image (whether or not the container then ran). */
    PULLED,
    /** The kubelet reported a pull failure. */
    FAILED,
    /** The test pod was never scheduled onto a node. */
    NOT_SCHEDULED,
    /** No result before the timeout. */
    TIMEOUT,
    /** The test could not run (e.g. no permission to create pods). */
    ERROR
  }

  /**
   * A short-lived pod, made the way Airbyte makes job pods, that pulled the image on a node.
   *
   * @param pod the test pod's name (deleted after the test)
   * @param node the node it ran on, if scheduled
   * @param reason the kubelet's reason, e.g. {@code ErrImagePull}, {@code Pulled}
   * @param message the kubelet's message (cluster text, never a secret)
   * @param cause the pull-error cause of a failure
   * @param seconds how long the test took
   */
  public record ActivePull(
      PullOutcome outcome,
      String pod,
      @Nullable String node,
      @Nullable String reason,
      @Nullable String message,
      @Nullable PullErrorCause cause,
      long seconds) {
    public ActivePull {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(pod, "pod");
    }
  }

  /** The steps of reaching a registry, in order. */
  public enum Stage {
    DNS,
    TCP,
    PROXY,
    TLS,
    HTTP;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a step ended. */
  public enum Outcome {
    OK,
    FAILED,
    /** pulldoctor's probe policy refused to make the call (e.g. a link-local address). */
    REFUSED_BY_POLICY
  }

  /** How long one stage took. */
  public record StageTime(Stage stage, long millis) {
    public StageTime {
      Objects.requireNonNull(stage, "stage");
    }
  }

  /** The server certificate, as presented (whether or not it was trusted). */
  public record Certificate(
      String subject, String issuer, Instant notBefore, Instant notAfter, List<String> names) {
    public Certificate {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(notBefore, "notBefore");
      Objects.requireNonNull(notAfter, "notAfter");
      names = List.copyOf(names);
    }
  }

  /**
   * The staged connection and {@code GET /v2/}.
   *
   * @param outcome OK when {@code /v2/} answered like a registry
   * @param stage the stage that failed or was refused; null when OK
   * @param cause the pull-error cause of a failure; null when OK or refused by policy
   * @param detail what happened, in pulldoctor's words
   * @param timings stage durations, in order
   * @param certificate the server's certificate when TLS was reached
   * @param scheme {@code https}, or {@code http} for a registry named with --insecure-registry
   * @param challenge the {@code /v2/} challenge: {@code Basic}, {@code Bearer}, or null (none)
   * @param address the IP address connected to, when a connection was made
   */
  public record Connection(
      Outcome outcome,
      @Nullable Stage stage,
      @Nullable PullErrorCause cause,
      String detail,
      List<StageTime> timings,
      @Nullable Certificate certificate,
      String scheme,
      @Nullable String challenge,
      @Nullable String address) {
    public Connection {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(scheme, "scheme");
      timings = List.copyOf(timings);
    }

    public boolean ok() {
      return outcome == Outcome.OK;
    }
  }

  /** What the registry made of the credentials the kubelet would send. */
  public enum AccessOutcome {
    /** Not tried, because the connection failed; see the detail. */
    NOT_CHECKED,
    /** The registry accepted the credentials for pulling the repository. */
    ACCEPTED,
    /** The registry rejected the credentials (wrong user or password, expired token). */
    REJECTED,
    /** The credentials authenticate but give no pull access to this repository. */
    NO_PULL_ACCESS,
    /** No pull secret matches; the registry lets anyone pull. */
    ANONYMOUS_ACCEPTED,
    /** No pull secret matches, and the registry refuses anonymous pulls. */
    ANONYMOUS_REJECTED,
    /**
     * pulldoctor did not send the credentials: the token realm is not a host it trusts with them.
     */
    WITHHELD,
    /** The registry answered 429 Too Many Requests. */
    RATE_LIMITED,
    /** The exchange failed for another reason; see the detail. */
    ERROR
  }

  /**
   * The credential check.
   *
   * @param secret the pull secret whose entry was used; null for an anonymous attempt
   * @param registryKey the entry's registry key, redacted
   * @param username the username sent (not secret: shown so users can spot the wrong account)
   * @param httpStatus the decisive HTTP status, 0 when none
   * @param errorCode the registry's error code, e.g. {@code UNAUTHORIZED}, {@code DENIED}
   * @param errorMessage the registry's error message, sanitised
   * @param detail what happened, in pulldoctor's words
   */
  public record Access(
      AccessOutcome outcome,
      @Nullable String secret,
      @Nullable String registryKey,
      @Nullable String username,
      int httpStatus,
      @Nullable String errorCode,
      @Nullable String errorMessage,
      String detail) {
    public Access {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
    }

    public static Access notChecked(String detail) {
      return new Access(AccessOutcome.NOT_CHECKED, null, null, null, 0, null, null, detail);
    }
  }

  /** What the manifest lookup found. */
  public enum ManifestOutcome {
    NOT_CHECKED,
    FOUND,
    /** {@code MANIFEST_UNKNOWN}: the repository exists, the tag or digest does not. */
    MISSING_TAG,
    /** {@code NAME_UNKNOWN}: the repository does not exist. */
    MISSING_REPOSITORY,
    /** 404 without a registry error code. */
    NOT_FOUND,
    /** 401/403: the registry does not say whether it exists. */
    DENIED,
    /** pulldoctor's probe policy refused a call the lookup needed (e.g. a redirect target). */
    REFUSED_BY_POLICY,
    ERROR
  }

  /** An os/architecture pair, as in an image index or an image config. */
  public record Platform(String os, String architecture, @Nullable String variant) {
    public Platform {
      Objects.requireNonNull(os, "os");
      Objects.requireNonNull(architecture, "architecture");
    }

    /** {@code linux/arm64}, {@code linux/arm/v7}. */
    public String display() {
      return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
  }

  /**
   * The manifest lookup.
   *
   * @param httpStatus the HTTP status of the lookup, 0 when none
   * @param errorCode the registry's error code, e.g. {@code MANIFEST_UNKNOWN}
   * @param errorMessage the registry's error message, sanitised
   * @param mediaType the manifest's media type
   * @param digest the manifest's digest ({@code Docker-Content-Digest})
   * @param index whether the manifest is an image index / manifest list
   * @param platforms the platforms of the index's entries, or of the single image's config; empty
   *     when unknown
   * @param detail what happened, in pulldoctor's words
   */
  public record Manifest(
      ManifestOutcome outcome,
      int httpStatus,
      @Nullable String errorCode,
      @Nullable String errorMessage,
      @Nullable String mediaType,
      @Nullable String digest,
      boolean index,
      List<Platform> platforms,
      String detail) {
    public Manifest {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
      platforms = List.copyOf(platforms);
    }

    /** A manifest the registry has (HTTP 200). */
    public static Manifest found(
        @Nullable String mediaType,
        @Nullable String digest,
        boolean index,
        List<Platform> platforms,
        String detail) {
      return new Manifest(
          ManifestOutcome.FOUND, 200, null, null, mediaType, digest, index, platforms, detail);
    }

    public static Manifest notChecked(String detail) {
      return new Manifest(
          ManifestOutcome.NOT_CHECKED, 0, null, null, null, null, false, List.of(), detail);
    }
  }
}
