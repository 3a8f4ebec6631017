package dev.pulldoctor.rules.engine;

import dev.pulldoctor.rules.model.ObjectRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
    Map<String, Object> evidence) {

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
    return new Result(rule.id(), status, rule.severity(), subject, image, message, null, Map.of());
  }

  public Result withRemediation(@Nullable String text) {
    return new Result(rule, status, severity, subject, image, message, text, evidence);
  }

  public Result withEvidence(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(evidence);
    copy.put(key, value);
    return new Result(rule, status, severity, subject, image, message, remediation, copy);
  }

  public Result withEvidence(Map<String, ?> more) {
    Map<String, Object> copy = new LinkedHashMap<>(evidence);
    copy.putAll(more);
    return new Result(rule, status, severity, subject, image, message, remediation, copy);
  }
}
