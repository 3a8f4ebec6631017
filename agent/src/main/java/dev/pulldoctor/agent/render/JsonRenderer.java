package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pulldoctor.rules.engine.Report;
import java.io.UncheckedIOException;

/** {@code -o json}: the report tree, pretty-printed. */
public final class JsonRenderer implements ReportRenderer {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String render(Report report) {
    try {
      return MAPPER.writeValueAsString(ReportTree.of(report)) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
