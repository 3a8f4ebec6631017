package dev.pulldoctor.rules.classify;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pull-error message prepared for matching: capped, log escapes undone, lower case, with the HTTP
 * status codes it mentions. Matching is by substring; the few patterns have bounded repetition
 * only, so hostile input costs linear time.
 */
final class MessageText {
  /** Longer messages are cut: kubelet events are far shorter, and the signal is near the start. */
  static final int MAX_CHARS = 8192;

  private static final Map<Integer, String> REASON_PHRASES =
      Map.ofEntries(
          Map.entry(400, "bad request"),
          Map.entry(401, "unauthorized"),
          Map.entry(403, "forbidden"),
          Map.entry(404, "not found"),
          Map.entry(405, "method not allowed"),
          Map.entry(407, "proxy authentication required"),
          Map.entry(429, "too many requests"),
          Map.entry(500, "internal server error"),
          Map.entry(502, "bad gateway"),
          Map.entry(503, "service unavailable"),
          Map.entry(504, "gateway time"));

  // "Status 429", "status code 403", "StatusCode: 400", "HTTP 403 response", "API error (500)"
  private static final Pattern AFTER_STATUS_WORD =
      Pattern.compile(
          "(?:status|http|error \\(|error)[ :=]{0,3}(?:code[ :=]{0,3})?([1-5][0-9]{2})(?![0-9])");
  // containerd: "pulling from host h failed with status code [manifests v1]: 503"
  private static final Pattern AFTER_BRACKET = Pattern.compile("\\]: ([1-5][0-9]{2})(?![0-9])");
  // "... /v2/x/manifests/sha256:abc: 503"; ports never follow ": " so they are not mistaken
  private static final Pattern AFTER_COLON =
      Pattern.compile(": (400|401|403|404|405|407|429|500|502|503|504)(?![0-9a-z.:])");
  private static final Pattern EOF = Pattern.compile(": eof(?![a-z])");

  private final String lower;
  private final Set<Integer> statuses;

  private MessageText(String lower) {
    this.lower = lower;
    this.statuses = statuses(lower);
  }

  static MessageText of(String message) {
    String capped = message.length() > MAX_CHARS ? message.substring(0, MAX_CHARS) : message;
    return new MessageText(capped.replace("\\\"", "\"").toLowerCase(Locale.ROOT));
  }

  /** Whether any of the lower-case needles occurs. */
  boolean has(String... needles) {
    for (String needle : needles) {
      if (lower.contains(needle)) {
        return true;
      }
    }
    return false;
  }

  boolean status(int code) {
    return statuses.contains(code);
  }

  boolean serverErrorStatus() {
    return statuses.stream().anyMatch(s -> s >= 500);
  }

  boolean clientRefusalStatus() {
    return status(401) || status(403) || status(404) || status(429);
  }

  /** Go's {@code io.EOF} at the end of a chain: the peer closed the connection. */
  boolean endsWithEof() {
    return EOF.matcher(lower).find() || lower.contains("unexpected eof");
  }

  private static Set<Integer> statuses(String lower) {
    Set<Integer> found = new TreeSet<>();
    REASON_PHRASES.forEach(
        (code, phrase) -> {
          if (lower.contains(code + " " + phrase) || lower.contains(code + " (" + phrase)) {
            found.add(code);
          }
        });
    for (Pattern pattern : new Pattern[] {AFTER_STATUS_WORD, AFTER_BRACKET, AFTER_COLON}) {
      Matcher m = pattern.matcher(lower);
      while (m.find()) {
        found.add(Integer.parseInt(m.group(1)));
      }
    }
    return found;
  }
}
