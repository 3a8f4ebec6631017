package dev.pulldoctor.rules.redact;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patterns {@link SecretText} always applies. They cover at least troubleshoot.sh's default
 * redactors (replicatedhq/troubleshoot pkg/redact/redact.go, {@code getRedactors}: AWS keys and
 * owner accounts, {@code *password*}, {@code *token*}, {@code *database*} and {@code *user*}
 * environment values, URL credentials, {@code user:password@tcp(…)}, and the {@code Data Source},
 * {@code location}, {@code User ID}, {@code password}, {@code Server}, {@code Database}, {@code
 * Uid} and {@code Pwd} connection-string keys), and add what Airbyte installs and registries show:
 * {@code *_PASS}/{@code *_PWD}/{@code *_AUTH} and {@code *secret*}/{@code *credential*}/{@code
 * *api_key*} keys, {@code --*pass*} and {@code -p} arguments, {@code -D…Password=} in {@code
 * JAVA_OPTS}, {@code Authorization} headers and {@code Basic}/{@code Bearer} credentials, and AWS
 * access key ids. Each masks only the value (the group named {@code secret}), so the text still
 * says which key held it.
 */
final class DefaultRules {
  /** One pattern; the groups named {@code secret} and {@code secret2} are masked. */
  record Rule(String kind, Pattern pattern) {
    String apply(String text, List<String> found) {
      Matcher matcher = pattern.matcher(text);
      if (!matcher.find()) {
        return text;
      }
      StringBuilder out = new StringBuilder(text.length());
      int copied = 0;
      do {
        for (String group : GROUPS) {
          int start = start(matcher, group);
          if (start < copied || start < 0) {
            continue;
          }
          String value = matcher.group(group);
          if (isPlaceholder(value)) {
            continue;
          }
          found.add(kind);
          out.append(text, copied, start).append(SecretText.MASK);
          copied = matcher.end(group);
        }
      } while (matcher.find());
      return copied == 0 ? text : out.append(text, copied, text.length()).toString();
    }

    private static int start(Matcher matcher, String group) {
      try {
        return matcher.group(group) == null ? -1 : matcher.start(group);
      } catch (IllegalArgumentException e) {
        return -1; // the pattern has no such group
      }
    }
  }

  private static final List<String> GROUPS = List.of("secret", "secret2");

  /** A name whose value is secret; the lookbehind keeps it from starting inside a longer word. */
  private static final String KEY =
      "(?<![A-Za-z0-9_.-])"
          // A name that names a Secret holds no secret: JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET,
          // imagePullSecrets, *_SECRET_NAME. pulldoctor diagnoses exactly these values.
          + "(?![A-Za-z0-9_.-]*(?:pull[_-]?secrets?|secret[_-]?name|secret[_-]?ref)"
          + "(?![A-Za-z0-9_.-]))"
          + "(?:[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|credential"
          + "|api[_-]?key|access[_-]?key(?:[_-]?id)?|private[_-]?key|owner[_-]?account)"
          + "[A-Za-z0-9_.-]*|[A-Za-z0-9_.-]*_(?:pass|pwd|auth)|pwd|pass)";

  /** A quote that may itself be escaped, as in JSON inside a JSON string. */
  private static final String Q = "\\\\?\"";

  private static final String VALUE = "(?<secret>\"[^\"]*\"|'[^']*'|[^\\s\"'&;,]+)";

  static final List<Rule> ALL =
      List.of(
          rule(
              "env-value",
              Q
                  + "name"
                  + Q
                  + "\\s*:\\s*"
                  + Q
                  + "(?:"
                  + KEY
                  + "|[^\"\\\\]*(?:user|database)[^\"\\\\]*)"
                  + Q
                  + "\\s*,\\s*"
                  + Q
                  + "value"
                  + Q
                  + "\\s*:\\s*"
                  + Q
                  + "(?<secret>(?:[^\"\\\\]|\\\\[^\"])*)"
                  + Q),
          rule(
              "env-value",
              "(?m)^([ \\t]*-?[ \\t]*name:[ \\t]*[\"']?(?:"
                  + KEY
                  + "|[^\"'\\s]*(?:user|database)[^\"'\\s]*)[\"']?[ \\t]*\\r?\\n"
                  + "[ \\t]*value:[ \\t]*)(?<secret>\\S.*)$"),
          rule(
              "key-value",
              Q
                  + "(?:"
                  + KEY
                  + ")"
                  + Q
                  + "\\s*:\\s*"
                  + Q
                  + "(?<secret>(?:[^\"\\\\]|\\\\[^\"])+)"
                  + Q),
          rule("key-value", "(?:" + KEY + ")[ \\t]*=[ \\t]*" + VALUE),
          rule(
              "key-value",
              "(?m)^[ \\t]*-?[ \\t]*[\"']?(?:" + KEY + ")[\"']?:[ \\t]+(?<secret>\\S.*)$"),
          rule(
              "connection-string",
              "(?<![A-Za-z0-9_])(?:Data Source|location|User ID|Server|Database|Uid)[ \\t]*=[ \\t]*"
                  + "(?<secret>[^;\\n]+);"),
          rule("connection-string", "(?<secret>[^\\s:\"'/@]+:[^\\s\"'/@]*)@tcp\\("),
          rule(
              "flag-value",
              "(?<![^\\s\"'])--?[A-Za-z0-9_.-]*(?:pass|pwd|secret|token|credential|api-?key|auth)"
                  + "[A-Za-z0-9_.-]*(?:=|[ \\t]+)"
                  + "(?<secret>\"[^\"]*\"|'[^']*'|[^\\s\"'-][^\\s\"']*)"),
          rule("flag-value", "(?<![^\\s\"'])-p[ \\t]+(?<secret>[^\\s\"'-][^\\s\"']*)"),
          // Case-sensitive: "basic authentication" is prose, "Basic dXNlcjpwYXNz" a credential.
          new Rule(
              "authorization",
              Pattern.compile(
                  "(?<![A-Za-z])(?:Basic|basic|BASIC|Bearer|bearer|BEARER)[ \\t]+"
                      + "(?=[A-Za-z0-9._~+/-]*(?:[0-9._~+/=-]|[a-z][A-Za-z]*[A-Z]))"
                      + "(?<secret>[A-Za-z0-9._~+/-]{8,}=*)")),
          // The header by its name, not the word: "may require authorization: server message" is
          // a registry's prose. The value must look like a credential, as above.
          new Rule(
              "authorization",
              Pattern.compile(
                  "(?:Authorization|AUTHORIZATION)[\"']?[ \\t]*[:=][ \\t]*[\"']?"
                      + "(?!(?:Basic|Bearer)[ \\t])"
                      + "(?=[^\\s,;\"']*(?:[0-9._~+/=-]|[a-z][A-Za-z]*[A-Z]))"
                      + "(?<secret>[^\\s,;\"']{8,})")),
          new Rule(
              "aws-access-key-id",
              Pattern.compile(
                  "(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)"
                      + "[A-Z0-9]{16})(?![A-Z0-9])")));

  private DefaultRules() {}

  private static Rule rule(String kind, String regex) {
    return new Rule(kind, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
  }

  /**
   * A value that stands for a secret rather than being one: fix commands pulldoctor writes hold
   * {@code '<password-or-token>'} and {@code "$(aws ecr get-login-password …)"}, and text already
   * redacted holds {@value SecretText#MASK}.
   */
  static boolean isPlaceholder(String value) {
    String bare = value.strip();
    if (bare.length() >= 2
        && (bare.charAt(0) == '"' || bare.charAt(0) == '\'')
        && bare.charAt(bare.length() - 1) == bare.charAt(0)) {
      bare = bare.substring(1, bare.length() - 1);
    }
    return bare.isEmpty()
        || bare.startsWith("<")
        || bare.startsWith("$")
        || bare.startsWith(SecretText.MASK)
        || bare.equals("***HIDDEN***");
  }
}
