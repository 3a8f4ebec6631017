package dev.pulldoctor.rules.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pulldoctor.rules.image.InvalidImageReferenceException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the test cases of distribution/reference v0.6.0 (ported as data to {@code
 * conformance/reference/cases.yaml}, whose header explains how each upstream call maps onto
 * ImageReference) against our parser. A case agrees with upstream unless it documents a {@code
 * difference}; then it must give the documented {@code ours} result, and still differ.
 */
class ReferenceConformanceTest {
  private static final String CASES = "/conformance/reference/cases.yaml";

  private static final Set<String> CALLS =
      Set.of(
          "ParseNormalizedNamed",
          "ParseAnyReference",
          "ParseDockerRef",
          "ParseNamed",
          "Parse",
          "WithName",
          "WithTag",
          "WithDigest",
          "FamiliarMatch",
          "DomainRegexp",
          "anchoredNameRegexp",
          "ReferenceRegexp",
          "anchoredIdentifierRegexp");

  private static final Set<String> FIELDS =
      Set.of(
          "valid",
          "error",
          "string",
          "name",
          "domain",
          "path",
          "tag",
          "digest",
          "familiarName",
          "familiarString",
          "parsesLike",
          "matches",
          "patternError");

  private static final String NAME_NOT_CANONICAL = "name-not-canonical";
  private static final String INVALID_FORMAT = errorName(Reason.INVALID_FORMAT);
  private static final List<String> PARTS = List.of("domain", "path", "tag", "digest");

  private static final JsonNode DOCUMENT = load();

  static Stream<Arguments> cases() {
    return elements(DOCUMENT.get("cases"))
        .map(testCase -> Arguments.of(Named.of(testCase.get("name").asText(), testCase)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void agrees_with_upstream_unless_a_difference_is_documented(JsonNode testCase) {
    String name = testCase.get("name").asText();
    String call = testCase.get("call").asText();
    String input = testCase.get("input").asText();
    Map<String, @Nullable Object> observed = observe(testCase);
    List<String> againstUpstream = mismatches(testCase.get("expected"), observed);

    if (!testCase.has("difference")) {
      assertThat(againstUpstream)
          .as("%s: %s(\"%s\") disagrees with distribution/reference v0.6.0", name, call, input)
          .isEmpty();
    } else {
      String difference = testCase.get("difference").asText();
      assertThat(mismatches(testCase.get("ours"), observed))
          .as("%s: does not give the documented different result (%s)", name, difference)
          .isEmpty();
      assertThat(againstUpstream)
          .as("%s: documented as a difference but agrees with upstream now", name)
          .isNotEmpty();
    }
    if (call.equals("ParseDockerRef") && Boolean.TRUE.equals(observed.get("valid"))) {
      // Upstream's test parses every ParseDockerRef result again with Parse.
      String pulled = String.valueOf(observed.get("string"));
      assertThatCode(() -> ImageReference.parseWithoutNormalising(pulled))
          .as("%s: %s does not parse again", name, pulled)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void cases_name_their_source_and_are_well_formed() {
    JsonNode source = DOCUMENT.get("source");
    assertThat(source.get("project").asText()).isEqualTo("distribution/reference");
    assertThat(source.get("version").asText()).isEqualTo("v0.6.0");
    assertThat(source.get("commit").asText()).matches("[0-9a-f]{40}");
    assertThat(source.get("license").asText()).isEqualTo("Apache-2.0");
    assertThat(elements(source.get("files")).map(JsonNode::asText))
        .isNotEmpty()
        .allMatch(
            file -> file.startsWith("https://github.com/distribution/reference/blob/v0.6.0/"));

    List<JsonNode> cases = elements(DOCUMENT.get("cases")).toList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
    Set<String> names = new HashSet<>();
    Set<String> errors = new HashSet<>(List.of(NAME_NOT_CANONICAL));
    for (Reason reason : Reason.values()) {
      errors.add(errorName(reason));
    }
    for (JsonNode testCase : cases) {
      String name = testCase.path("name").asText();
      assertThat(names.add(name)).as("case name %s is unique", name).isTrue();
      assertThat(testCase.path("call").asText()).as("%s: call", name).isIn(CALLS);
      assertThat(testCase.path("input").isTextual()).as("%s: input", name).isTrue();
      assertThat(testCase.has("ours"))
          .as("%s: ours comes with a difference, and a difference with ours", name)
          .isEqualTo(testCase.has("difference"));
      for (String part : List.of("expected", "ours")) {
        JsonNode expectation = testCase.path(part);
        if (testCase.has(part)) {
          assertThat(fieldNames(expectation)).as("%s: %s fields", name, part).isSubsetOf(FIELDS);
          if (expectation.has("error")) {
            assertThat(expectation.get("error").asText()).as("%s: error", name).isIn(errors);
          }
        }
      }
    }
  }

  @Test
  void go_path_match_subset() {
    assertThat(GoPathPattern.matches("foo/*/ba[rz]", "foo/a/bar")).isTrue();
    assertThat(GoPathPattern.matches("foo/*/ba[rz]", "foo/a/b/bar")).isFalse();
    assertThat(GoPathPattern.matches("f?o/[^a-c]\\*", "foo/d*")).isTrue();
    assertThat(GoPathPattern.matches("[z-a]", "m")).isFalse();
    assertThat(GoPathPattern.matches("[^z-a]", "m")).isTrue();
    for (String bad : List.of("[-x]", "[]", "[a", "[a-", "[\\", "x\\")) {
      assertThatCode(() -> GoPathPattern.matches(bad, "x"))
          .as(bad)
          .isInstanceOf(GoPathPattern.BadPattern.class);
    }
  }

  /** What our parser says about a case's input, under the field names of the fixture. */
  private static Map<String, @Nullable Object> observe(JsonNode testCase) {
    String input = testCase.get("input").asText();
    JsonNode arguments = testCase.path("arguments");
    return switch (testCase.get("call").asText()) {
      case "ParseNormalizedNamed" -> outcome(ImageReference::parse, input);
      case "ParseAnyReference" -> withParsesLike(outcome(ImageReference::parse, input), testCase);
      case "ParseDockerRef" -> outcome(text -> ImageReference.parse(text).dockerReference(), input);
      case "ParseNamed" -> canonicalOnly(outcome(ImageReference::parse, input), input);
      case "Parse" -> outcome(ImageReference::parseWithoutNormalising, input);
      case "WithName" -> nameOnly(outcome(ImageReference::parseWithoutNormalising, input));
      case "WithTag", "WithDigest" ->
          outcome(
              ImageReference::parseWithoutNormalising,
              input
                  + (arguments.has("tag") ? ":" + arguments.get("tag").asText() : "")
                  + (arguments.has("digest") ? "@" + arguments.get("digest").asText() : ""));
      case "FamiliarMatch" ->
          familiarMatch(outcome(ImageReference::parse, input), arguments.get("pattern").asText());
      case "DomainRegexp" -> {
        Map<String, @Nullable Object> seen =
            outcome(ImageReference::parseWithoutNormalising, input + "/repo");
        seen.put(
            "matches", Boolean.TRUE.equals(seen.get("valid")) && input.equals(seen.get("domain")));
        yield seen;
      }
      case "anchoredNameRegexp" -> {
        Map<String, @Nullable Object> seen =
            outcome(ImageReference::parseWithoutNormalising, input);
        seen.put(
            "matches",
            Boolean.TRUE.equals(seen.get("valid"))
                && seen.get("tag") == null
                && seen.get("digest") == null);
        yield seen;
      }
      case "ReferenceRegexp" -> {
        Map<String, @Nullable Object> seen =
            outcome(ImageReference::parseWithoutNormalising, input);
        seen.put("matches", seen.get("valid"));
        yield seen;
      }
      case "anchoredIdentifierRegexp" -> {
        Map<String, @Nullable Object> seen = outcome(ImageReference::parse, input);
        seen.put("matches", errorName(Reason.IDENTIFIER).equals(seen.get("error")));
        yield seen;
      }
      default -> throw new IllegalArgumentException("unknown call " + testCase.get("call"));
    };
  }

  private interface Parser {
    ImageReference parse(String text) throws InvalidImageReferenceException;
  }

  private static Map<String, @Nullable Object> outcome(Parser parser, String text) {
    Map<String, @Nullable Object> seen = new LinkedHashMap<>();
    for (String field : FIELDS) {
      seen.put(field, null);
    }
    try {
      ImageReference reference = parser.parse(text);
      seen.put("valid", true);
      seen.put("string", reference.toString());
      seen.put("name", reference.name());
      seen.put("domain", reference.domain());
      seen.put("path", reference.path());
      seen.put("tag", reference.tag());
      seen.put("digest", reference.digest());
      seen.put("familiarName", reference.familiarName());
      seen.put("familiarString", reference.familiar());
    } catch (InvalidImageReferenceException e) {
      seen.put("valid", false);
      seen.put("error", errorName(e.reason()));
    }
    return seen;
  }

  private static Map<String, @Nullable Object> invalid(String error) {
    Map<String, @Nullable Object> seen = new LinkedHashMap<>();
    for (String field : FIELDS) {
      seen.put(field, null);
    }
    seen.put("valid", false);
    seen.put("error", error);
    return seen;
  }

  /** ParseNamed accepts only a reference that is already in its normalised form. */
  private static Map<String, @Nullable Object> canonicalOnly(
      Map<String, @Nullable Object> seen, String input) {
    boolean canonical = !Boolean.TRUE.equals(seen.get("valid")) || input.equals(seen.get("string"));
    return canonical ? seen : invalid(NAME_NOT_CANONICAL);
  }

  /** WithName takes a name without tag or digest, and knows only two errors. */
  private static Map<String, @Nullable Object> nameOnly(Map<String, @Nullable Object> seen) {
    if (Boolean.TRUE.equals(seen.get("valid"))) {
      return seen.get("tag") == null && seen.get("digest") == null ? seen : invalid(INVALID_FORMAT);
    }
    String error = errorName(Reason.NAME_TOO_LONG);
    return invalid(error.equals(seen.get("error")) ? error : INVALID_FORMAT);
  }

  /** Upstream compares a ParseAnyReference result with what Parse makes of its equivalent. */
  private static Map<String, @Nullable Object> withParsesLike(
      Map<String, @Nullable Object> seen, JsonNode testCase) {
    JsonNode like = testCase.path("expected").path("parsesLike");
    if (like.isTextual()) {
      Map<String, @Nullable Object> other =
          outcome(ImageReference::parseWithoutNormalising, like.asText());
      boolean same =
          Boolean.TRUE.equals(seen.get("valid"))
              && Boolean.TRUE.equals(other.get("valid"))
              && PARTS.stream().allMatch(part -> Objects.equals(seen.get(part), other.get(part)));
      seen.put("parsesLike", same ? like.asText() : parts(seen) + " unlike " + parts(other));
    }
    return seen;
  }

  /**
   * FamiliarMatch: the pattern is matched against the familiar string, then the familiar name; an
   * error comes from the first.
   */
  private static Map<String, @Nullable Object> familiarMatch(
      Map<String, @Nullable Object> seen, String pattern) {
    if (!Boolean.TRUE.equals(seen.get("valid"))) {
      return seen;
    }
    try {
      seen.put(
          "matches",
          GoPathPattern.matches(pattern, String.valueOf(seen.get("familiarString")))
              || GoPathPattern.matches(pattern, String.valueOf(seen.get("familiarName"))));
      seen.put("patternError", false);
    } catch (GoPathPattern.BadPattern e) {
      seen.put("matches", false);
      seen.put("patternError", true);
    }
    return seen;
  }

  private static String parts(Map<String, @Nullable Object> seen) {
    List<String> parts = new ArrayList<>();
    for (String part : PARTS) {
      parts.add(part + "=" + seen.get(part));
    }
    return String.join(" ", parts);
  }

  private static List<String> mismatches(JsonNode expectation, Map<String, @Nullable Object> seen) {
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : expectation.properties()) {
      JsonNode value = field.getValue();
      @Nullable Object wanted =
          value.isNull() ? null : value.isBoolean() ? value.booleanValue() : value.asText();
      @Nullable Object got = seen.get(field.getKey());
      if (!Objects.equals(wanted, got)) {
        mismatches.add(field.getKey() + ": expected " + show(wanted) + ", got " + show(got));
      }
    }
    return mismatches;
  }

  private static String show(@Nullable Object value) {
    return value instanceof String text ? '"' + text + '"' : String.valueOf(value);
  }

  private static String errorName(Reason reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static List<String> fieldNames(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }

  private static Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static JsonNode load() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (InputStream in = ReferenceConformanceTest.class.getResourceAsStream(CASES)) {
      if (in == null) {
        throw new IllegalStateException(CASES + " is missing");
      }
      return yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Go's {@code path.Match} (https://pkg.go.dev/path#Match) as a Java regular expression: '*' and
   * '?' do not match '/', '[...]' is a class that may be negated with '^', '\\' escapes, and a
   * malformed pattern is an error whether or not the name matches.
   */
  static final class GoPathPattern {
    static final class BadPattern extends RuntimeException {
      private static final long serialVersionUID = 1L;

      BadPattern(String pattern) {
        super("syntax error in pattern " + pattern);
      }
    }

    private final String pattern;
    private int next;

    private GoPathPattern(String pattern) {
      this.pattern = pattern;
    }

    static boolean matches(String pattern, String name) {
      return Pattern.compile(new GoPathPattern(pattern).regex()).matcher(name).matches();
    }

    private String regex() {
      StringBuilder regex = new StringBuilder();
      while (next < pattern.length()) {
        char c = pattern.charAt(next++);
        switch (c) {
          case '*' -> regex.append("[^/]*");
          case '?' -> regex.append("[^/]");
          case '[' -> regex.append(characterClass());
          case '\\' -> {
            if (next == pattern.length()) {
              throw new BadPattern(pattern);
            }
            regex.append(literal(pattern.charAt(next++)));
          }
          default -> regex.append(literal(c));
        }
      }
      return regex.toString();
    }

    private String characterClass() {
      boolean negated = next < pattern.length() && pattern.charAt(next) == '^';
      if (negated) {
        next++;
      }
      StringBuilder ranges = new StringBuilder();
      int count = 0;
      while (count == 0 || next >= pattern.length() || pattern.charAt(next) != ']') {
        char low = classCharacter();
        char high = low;
        if (pattern.charAt(next) == '-') {
          next++;
          high = classCharacter();
        }
        if (low <= high) {
          ranges.append(literal(low)).append('-').append(literal(high));
        }
        count++;
      }
      next++;
      if (ranges.isEmpty()) {
        // Ranges like z-a match nothing in Go; Java rejects them.
        return negated ? "[\\s\\S]" : "(?!)";
      }
      return "[" + (negated ? "^" : "") + ranges + "]";
    }

    private char classCharacter() {
      if (next >= pattern.length() || "-]".indexOf(pattern.charAt(next)) >= 0) {
        throw new BadPattern(pattern);
      }
      if (pattern.charAt(next) == '\\') {
        next++;
        if (next >= pattern.length()) {
          throw new BadPattern(pattern);
        }
      }
      char c = pattern.charAt(next++);
      if (next >= pattern.length()) {
        throw new BadPattern(pattern);
      }
      return c;
    }

    private static String literal(char c) {
      return String.format(Locale.ROOT, "\\x{%x}", (int) c);
    }
  }
}
