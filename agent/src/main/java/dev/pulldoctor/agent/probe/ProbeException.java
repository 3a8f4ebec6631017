package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation.Certificate;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import org.jspecify.annotations.Nullable;

/**
 * A probe call that did not get an HTTP answer: which stage failed, the cause, and pulldoctor's own
 * description (never a registry's text).
 */
final class ProbeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Stage stage;
  private final transient @Nullable PullErrorCause cause;
  private final transient @Nullable Certificate certificate;

  private ProbeException(
      Stage stage,
      @Nullable PullErrorCause cause,
      String detail,
      @Nullable Certificate certificate) {
    super(detail, null, false, false);
    this.stage = stage;
    this.cause = cause;
    this.certificate = certificate;
  }

  static ProbeException failed(Stage stage, PullErrorCause cause, String detail) {
    return new ProbeException(stage, cause, detail, null);
  }

  static ProbeException tls(String detail, @Nullable Certificate certificate) {
    return new ProbeException(Stage.TLS, PullErrorCause.TLS, detail, certificate);
  }

  /** The policy refused the call; nothing was sent. */
  static ProbeException refused(Stage stage, String detail) {
    return new ProbeException(stage, null, detail, null);
  }

  Stage stage() {
    return stage;
  }

  /** The pull-error cause; null when the policy refused the call. */
  @Nullable PullErrorCause pullCause() {
    return cause;
  }

  boolean refusedByPolicy() {
    return cause == null;
  }

  @Nullable Certificate certificate() {
    return certificate;
  }

  String detail() {
    return getMessage() == null ? "" : getMessage();
  }
}
