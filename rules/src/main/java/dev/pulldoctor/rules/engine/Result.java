package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One outcome of one rule on one subject (and image, where the check is about an image).
 *
 * <p>Evidence holds small, already redacted facts (strings, numbers, booleans, lists of those) that
 * back the message; it never holds secret values.
 */
public record Result(
    String rule,
    Status status,
    Severity severity,
    @Nullable ObjectRef subject,
    @Nullable String image,
    String message,
    @Nullable String remediation,
    Map<String, Object> evidence,
    @Nullable Fix fix) {

  /**
   * Evidence key of a finding that reports a symptom (past pull failures) of the rules it lists:
   * once none of them fails or warns, the next attempt no longer shows the symptom. Read it with
   * {@link #dependsOn()}.
   */
  public static final String DEPENDS_ON = "dependsOn";

  // Evidence other modules read: written and read only through the typed methods below, so the
  // report keeps printing them as plain evidence (the JSON contract) without a key spelled twice.
  private static final String CAUSE = "cause";
  private static final String REGISTRY = "registry";

  public Result {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    evidence = Collections.unmodifiableMap(new TreeMap<>(evidence));
  }

  public static Result of(
      RuleInfo rule,
      Status status,
      @Nullable ObjectRef subject,
      @Nullable String image,
      String message) {
    return new Result(
        rule.id(), status, rule.severity(), subject, image, message, null, Map.of(), null);
  }

  /** A result about the run as a whole, on no one object and no image (e.g. why a rule skipped). */
  public static Result of(RuleInfo rule, Status status, String message) {
    return of(rule, status, null, null, message);
  }

  /** A result about {@code subject}, for no one image. */
  public static Result about(RuleInfo rule, Status status, ObjectRef subject, String message) {
    return of(rule, status, subject, null, message);
  }

  /** A result about {@code image}, on no one object. */
  public static Result forImage(RuleInfo rule, Status status, String image, String message) {
    return of(rule, status, null, image, message);
  }

  /** An error saying the check could not run because {@code errors} left it without its input. */
  public static Result couldNotRun(
      RuleInfo rule,
      @Nullable ObjectRef subject,
      @Nullable String image,
      List<CollectionError> errors) {
    String missing = String.join("; ", errors.stream().map(CollectionError::describe).toList());
    return of(rule, Status.ERROR, subject, image, "the check could not run: " + missing);
  }

  /** A remediation a person carries out as written (no structured fix). */
  public Result withRemediation(@Nullable String text) {
    return new Result(rule, status, severity, subject, image, message, text, evidence, null);
  }

  /** A structured fix; the remediation text is its rendering ({@link Commands#text}). */
  public Result withFix(Fix structured) {
    return new Result(
        rule,
        status,
        severity,
        subject,
        image,
        message,
        Commands.text(structured),
        evidence,
        structured);
  }

  /** This finding names {@code cause} as why pulls fail; printed as its word. */
  public Result withCause(PullErrorCause cause) {
    return withEvidence(CAUSE, cause.word());
  }

  /** The pull-error cause this finding names, if it names a known one. */
  public Optional<PullErrorCause> cause() {
    return evidence.get(CAUSE) instanceof String word
        ? PullErrorCause.fromWord(word)
        : Optional.empty();
  }

  /** The registry host this finding is about (as the image reference names it). */
  public Result withRegistry(String host) {
    return withEvidence(REGISTRY, host);
  }

  /** The registry host this finding names, if any. */
  public Optional<String> registry() {
    return evidence.get(REGISTRY) instanceof String host ? Optional.of(host) : Optional.empty();
  }

  /** This finding is a symptom of the {@code rules} that explain it ({@link #DEPENDS_ON}). */
  public Result withDependsOn(List<String> rules) {
    return withEvidence(DEPENDS_ON, List.copyOf(rules));
  }

  /** The rules this finding is a symptom of; empty for a finding of its own. */
  public List<String> dependsOn() {
    return evidence.get(DEPENDS_ON) instanceof List<?> rules
        ? rules.stream().map(String::valueOf).toList()
        : List.of();
  }

  public Result withEvidence(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(evidence);
    copy.put(key, value);
    return new Result(rule, status, severity, subject, image, message, remediation, copy, fix);
  }

  public Result withEvidence(Map<String, ?> more) {
    Map<String, Object> copy = new LinkedHashMap<>(evidence);
    copy.putAll(more);
    return new Result(rule, status, severity, subject, image, message, remediation, copy, fix);
  }
}
