package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** The words of a manifest's syntax error: where it is and what it is, never the content. */
final class ParseErrors {
  // After these words SnakeYAML appends input as it is; elsewhere, any character that is not part
  // of its own wording starts input.
  private static final Pattern UNQUOTED_INPUT =
      Pattern.compile(
          "(?<=\\b(?:alias|anchor|handle|tag|directive|escape character))\\s.*|[^A-Za-z0-9"
              + " ,;:'…()<>-].*");

  private ParseErrors() {}

  static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "(top level)" : path.substring(1);
  }

  /**
   * The 1-based line and column of a syntax error, as an editor shows them (a tab is one column).
   * For YAML it is SnakeYAML's own mark of the problem: Jackson's location is the end of the last
   * event it read, a line or more before a tab or a bad indentation.
   */
  static String position(JsonProcessingException e) {
    MarkedYAMLException yamlError = yamlError(e);
    if (yamlError != null) {
      Mark mark =
          yamlError.getProblemMark() != null
              ? yamlError.getProblemMark()
              : yamlError.getContextMark();
      if (mark != null) {
        return (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
      }
    }
    JsonLocation location = e.getLocation();
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return location.getLineNr() + ":" + location.getColumnNr();
  }

  private static @Nullable MarkedYAMLException yamlError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException marked) {
        return marked;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * A description of a syntax error that never quotes the input: Jackson puts offending tokens in
   * its messages ("Unrecognized token 'hunter2'"), and SnakeYAML quotes context lines.
   */
  static String problem(JsonProcessingException e, boolean isJson) {
    MarkedYAMLException yamlError = yamlError(e);
    if (yamlError != null && yamlError.getProblem() != null) {
      return "invalid YAML: " + withoutQuotes(yamlError.getProblem());
    }
    return isJson ? "invalid JSON" : "invalid YAML";
  }

  /**
   * Drops fragments that may be file content from a parser's problem text: quoted parts, and
   * whatever follows a word that SnakeYAML completes with input unquoted ("found undefined alias
   * hunter2", "found undefined tag handle !x!") or a character outside plain words.
   */
  static String withoutQuotes(String problem) {
    String text =
        problem
            .replaceAll("'[^']*'", "'…'")
            .replaceAll("\"[^\"]*\"", "\"…\"")
            .replaceAll("[\\r\\n\\t]+", " ")
            .strip();
    Matcher unquoted = UNQUOTED_INPUT.matcher(text);
    return unquoted.find() ? text.substring(0, unquoted.start()).strip() : text;
  }
}
